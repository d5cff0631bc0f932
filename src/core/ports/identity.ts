import type { Role, Tier } from '../../shared/contract/access';

/** Ports of the identity capability (core/identity): its store, its password hashing and its signing key. */

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  fullName: string;
  role: Role;
  tier: Tier;
  passwordHash: string;
  createdAt: string;
  disabled: boolean;
}

export interface DeviceInfo {
  ip_address?: string;
  user_agent?: string;
  device_type?: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  deviceInfo: DeviceInfo;
  createdAt: string;
  /** When the current refresh token stops working (ISO). */
  refreshExpiresAt: string;
  lastUsedAt: string;
  revokedAt?: string;
  revokedReason?: string;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  role: Role;
  /** sha256 of the whole key; the key itself is shown once and never stored. */
  keyHash: string;
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface UpgradeRequestRecord {
  id: string;
  userId: string;
  currentTier: Tier;
  requestedTier: Tier;
  reason: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  createdAt: string;
  decidedAt?: string;
  note?: string;
}

export interface SecurityEventRecord {
  type: string;
  subject: string;
  detail: string;
  at: string;
}

export interface IdentityRepository {
  insertUser(user: UserRecord): void;
  /** Case-insensitive. */
  findUserByUsername(username: string): UserRecord | undefined;
  /** Case-insensitive. */
  findUserByEmail(email: string): UserRecord | undefined;
  findUser(id: string): UserRecord | undefined;
  listUsers(): UserRecord[];
  countUsers(): number;
  updateUser(id: string, changes: Partial<Pick<UserRecord, 'role' | 'tier' | 'passwordHash' | 'disabled'>>): void;

  insertSession(session: SessionRecord, refreshTokenHash: string): void;
  findSession(id: string): SessionRecord | undefined;
  listSessions(userId: string): SessionRecord[];
  /**
   * Looks a refresh token up by its hash: the session it belongs to and whether it is that session's current token
   * (false: it was already used once — a replay).
   */
  findRefreshToken(hash: string): { sessionId: string; current: boolean } | undefined;
  /** Marks the old token used and makes the new one current, in one transaction. */
  rotateRefreshToken(sessionId: string, oldHash: string, newHash: string, refreshExpiresAt: string, at: string): boolean;
  revokeSession(id: string, reason: string, at: string): void;
  revokeSessionsOf(userId: string, reason: string, at: string): number;

  insertResetToken(hash: string, userId: string, expiresAt: string): void;
  /** Consumes a reset token once: its user when it was unused and not expired at `at`. */
  consumeResetToken(hash: string, at: string): string | undefined;

  insertApiKey(key: ApiKeyRecord): void;
  findApiKeyByHash(hash: string): ApiKeyRecord | undefined;
  listApiKeys(userId?: string): ApiKeyRecord[];
  revokeApiKey(id: string, at: string): boolean;
  touchApiKey(id: string, at: string): void;

  insertUpgradeRequest(request: UpgradeRequestRecord): void;
  findUpgradeRequest(id: string): UpgradeRequestRecord | undefined;
  listUpgradeRequests(status?: UpgradeRequestRecord['status']): UpgradeRequestRecord[];
  decideUpgradeRequest(id: string, status: 'APPROVED' | 'REJECTED', note: string, at: string): void;

  /** Failed sign-ins of one identifier (username or email, lower case): how many in a row and the last one. */
  loginFailures(identifier: string): { count: number; lastAt: string } | undefined;
  recordLoginFailure(identifier: string, at: string): number;
  clearLoginFailures(identifier: string): void;

  recordSecurityEvent(event: SecurityEventRecord): void;
  listSecurityEvents(limit: number): SecurityEventRecord[];
}

/** argon2id in production (adapters/identity); the hash string carries its own salt and parameters. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** The per-install key that signs access tokens: created once, kept in the OS keychain. */
export interface SigningKeyStore {
  /** 32+ random bytes; created and stored on first use. Throws KEYCHAIN_UNAVAILABLE without a keychain. */
  signingKey(): Promise<Uint8Array>;
}
