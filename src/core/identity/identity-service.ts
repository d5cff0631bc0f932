import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { DomainError } from '../../shared/contract/errors';
import type { Clock } from '../ports/clock';
import type {
  ApiKeyRecord,
  DeviceInfo,
  IdentityRepository,
  PasswordHasher,
  SessionRecord,
  SigningKeyStore,
  UpgradeRequestRecord,
  UserRecord,
} from '../ports/identity';
import type { Notifier } from '../ports/notifier';
import { lesserRole, OWNER, permissionsOf, TIER_REQUESTS_PER_MINUTE, type Principal, type Role, type Tier } from '../../shared/contract/access';

/** Access tokens live a day (the document's `expires_in: 86400`); refresh tokens a month, rotated on every use. */
export const ACCESS_TOKEN_SECONDS = 86_400;
export const REFRESH_TOKEN_DAYS = 30;
export const RESET_TOKEN_MINUTES = 30;
/** Failed sign-ins of one name before each further try waits: 1 s, 2 s, 4 s … up to 15 minutes. */
export const FREE_LOGIN_ATTEMPTS = 5;
const MAX_LOCK_SECONDS = 15 * 60;
const ISSUER = 'echo-workstation';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  user_context: UserContext;
}

export interface UserContext {
  user_id: string;
  username: string;
  role: Role;
  permissions: string[];
}

export interface RegisterInput {
  /** Absent (ai-trading-hub registers by email): the email's local part, made unique. */
  username?: string | undefined;
  email: string;
  password: string;
  full_name?: string;
}

export interface IdentityServiceDeps {
  repo: IdentityRepository;
  hasher: PasswordHasher;
  keys: SigningKeyStore;
  clock: Clock;
  /** Reset tokens are delivered to the desktop owner (no mail server): a notification and the Users pane. */
  notifier?: Notifier;
}

export interface ResetDelivery {
  user_id: string;
  username: string;
  email: string;
  token: string;
  expires_at: string;
}

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 8;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const token = (prefix: string, bytes = 32): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;
const newId = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) {
    throw new DomainError('VALIDATION_FAILED', `The password needs at least ${MIN_PASSWORD} characters`, [
      { path: 'password', message: `at least ${MIN_PASSWORD} characters` },
    ]);
  }
}

/**
 * The identity capability: users, sessions (JWT access + rotating refresh tokens), API keys, password reset without a
 * mail server, upgrade requests, sign-in throttling and per-principal request quotas. Every transport authenticates
 * through `authenticate*` and then checks the procedure's permission against the principal it gets back.
 */
export class IdentityService {
  private readonly repo: IdentityRepository;
  private readonly hasher: PasswordHasher;
  private readonly keys: SigningKeyStore;
  private readonly clock: Clock;
  private readonly notifier: Notifier | undefined;
  /** Reset tokens waiting for the owner to hand them on (shown in the Users pane until they expire). */
  private readonly deliveries: ResetDelivery[] = [];
  /** A hash to verify against when the name is unknown, so both failures cost the same time. */
  private dummyHash: Promise<string> | undefined;
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(deps: IdentityServiceDeps) {
    this.repo = deps.repo;
    this.hasher = deps.hasher;
    this.keys = deps.keys;
    this.clock = deps.clock;
    this.notifier = deps.notifier;
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  // ── users ────────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Self-registration: a viewer on the Free tier; nobody gains trading rights without an admin. */
  async register(input: RegisterInput, role: Role = 'viewer'): Promise<UserRecord> {
    const email = input.email.trim();
    const username = input.username?.trim() || this.usernameFrom(email);
    if (!USERNAME.test(username)) {
      throw new DomainError('VALIDATION_FAILED', 'A username has 3 to 32 letters, digits, ".", "_" or "-"', [
        { path: 'username', message: '3 to 32 letters, digits, ".", "_" or "-"' },
      ]);
    }
    if (!EMAIL.test(email)) {
      throw new DomainError('VALIDATION_FAILED', `"${email}" is not an email address`, [{ path: 'email', message: 'not an email address' }]);
    }
    checkPassword(input.password);
    if (this.repo.findUserByUsername(username)) {
      throw new DomainError('ALREADY_EXISTS', `The username "${username}" is taken (names are compared without case)`);
    }
    if (this.repo.findUserByEmail(email)) {
      throw new DomainError('ALREADY_EXISTS', `An account with the email ${email} exists already: sign in or reset its password`);
    }
    const user: UserRecord = {
      id: newId('usr'),
      username,
      email,
      fullName: input.full_name?.trim() ?? '',
      role,
      tier: 'Free',
      passwordHash: await this.hasher.hash(input.password),
      createdAt: this.nowIso(),
      disabled: false,
    };
    this.repo.insertUser(user);
    this.repo.recordSecurityEvent({ type: 'user_registered', subject: user.id, detail: `${username} as ${role}`, at: user.createdAt });
    return user;
  }

  private usernameFrom(email: string): string {
    const base = (email.split('@')[0] ?? '').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 28).padEnd(3, '_');
    let candidate = base;
    for (let n = 2; this.repo.findUserByUsername(candidate); n++) candidate = `${base}${n}`;
    return candidate;
  }

  user(id: string): UserRecord {
    const user = this.repo.findUser(id);
    if (!user) throw new DomainError('NOT_FOUND', `No user with id ${id}`);
    return user;
  }

  listUsers(): UserRecord[] {
    return this.repo.listUsers();
  }

  setRole(userId: string, role: Role): UserRecord {
    this.user(userId);
    this.repo.updateUser(userId, { role });
    this.repo.recordSecurityEvent({ type: 'role_changed', subject: userId, detail: `role ${role}`, at: this.nowIso() });
    return this.user(userId);
  }

  context(user: UserRecord): UserContext {
    return { user_id: user.id, username: user.username, role: user.role, permissions: [...permissionsOf(user.role)] };
  }

  // ── sign-in ──────────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Username or email + password → a new session. Unknown names and wrong passwords get the same answer after the
   * same work (a hash is verified either way); after FREE_LOGIN_ATTEMPTS failures of one name each further try must
   * wait 1 s, 2 s, 4 s … (15 min at most), and every failure is a security event.
   */
  async login(identifier: string, password: string, deviceInfo: DeviceInfo = {}): Promise<TokenPair> {
    const key = identifier.trim().toLowerCase();
    const now = this.clock.now();
    const failures = this.repo.loginFailures(key);
    if (failures && failures.count >= FREE_LOGIN_ATTEMPTS) {
      const waitSeconds = Math.min(MAX_LOCK_SECONDS, 2 ** (failures.count - FREE_LOGIN_ATTEMPTS));
      const until = new Date(failures.lastAt).getTime() + waitSeconds * 1000;
      if (now.getTime() < until) {
        const seconds = Math.ceil((until - now.getTime()) / 1000);
        this.repo.recordSecurityEvent({ type: 'login_throttled', subject: key, detail: `retry in ${seconds} s`, at: now.toISOString() });
        throw new DomainError('RATE_LIMITED', `Too many failed sign-ins for this name: try again in ${seconds} s`);
      }
    }
    const user = key.includes('@') ? this.repo.findUserByEmail(key) : this.repo.findUserByUsername(key);
    const hash = user?.passwordHash ?? (await this.dummy());
    const matches = await this.hasher.verify(hash, password);
    if (!user || !matches || user.disabled) {
      const count = this.repo.recordLoginFailure(key, now.toISOString());
      this.repo.recordSecurityEvent({ type: 'login_failed', subject: key, detail: `failure ${count} in a row`, at: now.toISOString() });
      throw new DomainError('UNAUTHORIZED', 'Wrong username/email or password');
    }
    this.repo.clearLoginFailures(key);
    const session: SessionRecord = {
      id: newId('ses'),
      userId: user.id,
      deviceInfo,
      createdAt: now.toISOString(),
      lastUsedAt: now.toISOString(),
      refreshExpiresAt: new Date(now.getTime() + REFRESH_TOKEN_DAYS * 86_400_000).toISOString(),
    };
    const refresh = token('rt_');
    this.repo.insertSession(session, sha256(refresh));
    this.repo.recordSecurityEvent({ type: 'login', subject: user.id, detail: `session ${session.id}`, at: now.toISOString() });
    return this.tokenPair(user, session.id, refresh);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }

  private async tokenPair(user: UserRecord, sessionId: string, refresh: string): Promise<TokenPair> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const access = await new SignJWT({ role: user.role, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + ACCESS_TOKEN_SECONDS)
      .sign(await this.keys.signingKey());
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      user_context: this.context(user),
    };
  }

  /**
   * A refresh token buys a new pair once: the old one is spent. Presenting a spent one again means it leaked (or a
   * client raced itself): the whole session is revoked, so the thief's copy and the owner's both stop working.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = sha256(refreshToken);
    const found = this.repo.findRefreshToken(hash);
    const refused = () => new DomainError('UNAUTHORIZED', 'This refresh token is not valid any more: sign in again');
    if (!found) throw refused();
    const session = this.repo.findSession(found.sessionId);
    const at = this.nowIso();
    if (!session || session.revokedAt) throw refused();
    if (!found.current) {
      this.repo.revokeSession(session.id, 'refresh token reused', at);
      this.repo.recordSecurityEvent({ type: 'refresh_reuse', subject: session.userId, detail: `session ${session.id} revoked`, at });
      throw refused();
    }
    if (session.refreshExpiresAt <= at) throw refused();
    const user = this.repo.findUser(session.userId);
    if (!user || user.disabled) throw refused();
    const next = token('rt_');
    const expires = new Date(this.clock.now().getTime() + REFRESH_TOKEN_DAYS * 86_400_000).toISOString();
    if (!this.repo.rotateRefreshToken(session.id, hash, sha256(next), expires, at)) throw refused();
    return this.tokenPair(user, session.id, next);
  }

  /** Ends a session at once: its access token stops working on the next request. */
  logout(principal: Principal): void {
    if (principal.kind !== 'user' || !principal.sessionId) {
      throw new DomainError('VALIDATION_FAILED', 'Only a signed-in session can log out (API keys are revoked instead)');
    }
    this.repo.revokeSession(principal.sessionId, 'logout', this.nowIso());
  }

  /** The caller's live sessions; an admin may pass another user's id. */
  sessions(userId: string): SessionRecord[] {
    return this.repo.listSessions(userId).filter((s) => !s.revokedAt);
  }

  terminateSession(principal: Principal, sessionId: string): void {
    const session = this.repo.findSession(sessionId);
    const mine = principal.kind === 'user' && session?.userId === principal.userId;
    const admin = principal.role === 'admin';
    if (!session || (!mine && !admin)) throw new DomainError('NOT_FOUND', `No session ${sessionId} of yours`);
    this.repo.revokeSession(sessionId, 'terminated', this.nowIso());
  }

  // ── authentication of requests ───────────────────────────────────────────────────────────────────────────────────

  /** A JWT access token → the user behind it, or undefined (expired, forged, its session ended, user disabled). */
  async authenticateAccessToken(accessToken: string): Promise<Principal | undefined> {
    if (accessToken.split('.').length !== 3) return undefined;
    let payload: { sub?: string; sid?: unknown };
    try {
      ({ payload } = await jwtVerify(accessToken, await this.keys.signingKey(), {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return undefined;
      throw error;
    }
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return undefined;
    const session = this.repo.findSession(payload.sid);
    if (!session || session.revokedAt || session.userId !== payload.sub) return undefined;
    const user = this.repo.findUser(payload.sub);
    if (!user || user.disabled) return undefined;
    return { kind: 'user', userId: user.id, username: user.username, role: user.role, tier: user.tier, sessionId: session.id };
  }

  /** An API key → its user with the key's role capped at the user's current role. */
  authenticateApiKey(key: string): Principal | undefined {
    if (!key.startsWith('ek_')) return undefined;
    const record = this.repo.findApiKeyByHash(sha256(key));
    if (!record || record.revokedAt) return undefined;
    const user = this.repo.findUser(record.userId);
    if (!user || user.disabled) return undefined;
    this.repo.touchApiKey(record.id, this.nowIso());
    return {
      kind: 'user',
      userId: user.id,
      username: user.username,
      role: lesserRole(record.role, user.role),
      tier: user.tier,
      apiKeyId: record.id,
    };
  }

  /**
   * Fixed one-minute windows per user or key, sized by tier. Returns the X-RateLimit-* figures; `allowed` false means
   * 429. The owner has no quota.
   */
  consumeQuota(principal: Principal): { allowed: boolean; limit: number; remaining: number; resetSeconds: number } | undefined {
    if (principal.kind !== 'user') return undefined;
    const limit = TIER_REQUESTS_PER_MINUTE[principal.tier];
    const nowMs = this.clock.now().getTime();
    const window = this.currentWindow(principal, nowMs);
    window.count++;
    const resetSeconds = Math.max(1, Math.ceil((window.start + 60_000 - nowMs) / 1000));
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), resetSeconds };
  }

  /** What is left of the caller's window, without spending a request. */
  peekQuota(principal: Principal): number | null {
    if (principal.kind !== 'user') return null;
    const window = this.currentWindow(principal, this.clock.now().getTime());
    return Math.max(0, TIER_REQUESTS_PER_MINUTE[principal.tier] - window.count);
  }

  /** The caller's one-minute window (per API key, else per user), a fresh one once the minute is over. */
  private currentWindow(principal: Extract<Principal, { kind: 'user' }>, nowMs: number): { start: number; count: number } {
    const subject = principal.apiKeyId ?? principal.userId;
    let window = this.windows.get(subject);
    if (!window || nowMs - window.start >= 60_000) {
      window = { start: nowMs - (nowMs % 60_000), count: 0 };
      this.windows.set(subject, window);
    }
    return window;
  }

  // ── API keys ─────────────────────────────────────────────────────────────────────────────────────────────────────

  /** A new key for a user, shown once in the answer; stored as a hash. Its role is at most the user's. */
  createApiKey(userId: string, name: string, role?: Role): { key: string; record: ApiKeyRecord } {
    const user = this.user(userId);
    const key = token('ek_');
    const record: ApiKeyRecord = {
      id: newId('key'),
      userId,
      name: name.trim() || 'script',
      role: role ? lesserRole(role, user.role) : user.role,
      keyHash: sha256(key),
      prefix: key.slice(0, 10),
      createdAt: this.nowIso(),
    };
    this.repo.insertApiKey(record);
    this.repo.recordSecurityEvent({ type: 'api_key_created', subject: userId, detail: record.id, at: record.createdAt });
    return { key, record };
  }

  apiKeys(userId?: string): ApiKeyRecord[] {
    return this.repo.listApiKeys(userId);
  }

  revokeApiKey(principal: Principal, keyId: string): void {
    const key = this.repo.listApiKeys().find((k) => k.id === keyId);
    const mine = principal.kind === 'user' && key?.userId === principal.userId;
    if (!key || (!mine && principal.role !== 'admin')) throw new DomainError('NOT_FOUND', `No API key ${keyId} of yours`);
    this.repo.revokeApiKey(keyId, this.nowIso());
  }

  // ── password reset without a mail server ─────────────────────────────────────────────────────────────────────────

  /**
   * Always the same answer (no way to learn which emails exist). When the email is known, a one-time token valid for
   * RESET_TOKEN_MINUTES goes to the desktop owner — a notification and the Users pane — who hands it on.
   */
  requestPasswordReset(email: string): void {
    const user = this.repo.findUserByEmail(email.trim());
    const at = this.nowIso();
    this.repo.recordSecurityEvent({ type: 'password_reset_requested', subject: email.trim().toLowerCase(), detail: user ? 'known' : 'unknown', at });
    if (!user) return;
    const resetToken = token('pr_', 24);
    const expiresAt = new Date(this.clock.now().getTime() + RESET_TOKEN_MINUTES * 60_000).toISOString();
    this.repo.insertResetToken(sha256(resetToken), user.id, expiresAt);
    this.deliveries.push({ user_id: user.id, username: user.username, email: user.email, token: resetToken, expires_at: expiresAt });
    this.notifier?.notify({
      kind: 'password_reset',
      severity: 'warning',
      title: `Password reset requested for ${user.username}`,
      body: `Hand this one-time token to ${user.email} (valid ${RESET_TOKEN_MINUTES} min): ${resetToken}`,
    });
  }

  /** Reset tokens not yet expired, for the owner's Users pane. */
  pendingResets(): ResetDelivery[] {
    const at = this.nowIso();
    for (let i = this.deliveries.length - 1; i >= 0; i--) if (this.deliveries[i]!.expires_at <= at) this.deliveries.splice(i, 1);
    return [...this.deliveries];
  }

  /** The token works once and before it expires; every session of the user ends (a reset means "lock them out"). */
  async completePasswordReset(resetToken: string, newPassword: string): Promise<void> {
    checkPassword(newPassword);
    const at = this.nowIso();
    const userId = this.repo.consumeResetToken(sha256(resetToken), at);
    if (!userId) throw new DomainError('VALIDATION_FAILED', 'This reset token is unknown, used or expired: request a new one');
    this.repo.updateUser(userId, { passwordHash: await this.hasher.hash(newPassword) });
    this.repo.revokeSessionsOf(userId, 'password reset', at);
    this.repo.clearLoginFailures(this.user(userId).username.toLowerCase());
    this.repo.clearLoginFailures(this.user(userId).email.toLowerCase());
    const index = this.deliveries.findIndex((d) => safeEqualText(d.token, resetToken));
    if (index >= 0) this.deliveries.splice(index, 1);
    this.repo.recordSecurityEvent({ type: 'password_reset', subject: userId, detail: 'all sessions ended', at });
  }

  // ── tiers and upgrades ───────────────────────────────────────────────────────────────────────────────────────────

  requestUpgrade(userId: string, requestedTier: Tier, reason: string): UpgradeRequestRecord {
    const user = this.user(userId);
    if (requestedTier === user.tier) throw new DomainError('VALIDATION_FAILED', `You are on the ${user.tier} tier already`);
    const pending = this.repo.listUpgradeRequests('PENDING').find((r) => r.userId === userId);
    if (pending) throw new DomainError('ALREADY_EXISTS', `Your request ${pending.id} for ${pending.requestedTier} is waiting for an admin`);
    const request: UpgradeRequestRecord = {
      id: newId('upg'),
      userId,
      currentTier: user.tier,
      requestedTier,
      reason: reason.trim(),
      status: 'PENDING',
      createdAt: this.nowIso(),
    };
    this.repo.insertUpgradeRequest(request);
    return request;
  }

  upgradeQueue(): UpgradeRequestRecord[] {
    return this.repo.listUpgradeRequests('PENDING');
  }

  decideUpgrade(requestId: string, action: 'APPROVE' | 'REJECT', note: string): UpgradeRequestRecord {
    const request = this.repo.findUpgradeRequest(requestId);
    if (!request) throw new DomainError('NOT_FOUND', `No upgrade request ${requestId}`);
    if (request.status !== 'PENDING') throw new DomainError('ALREADY_EXISTS', `Request ${requestId} was ${request.status.toLowerCase()} already`);
    const at = this.nowIso();
    this.repo.decideUpgradeRequest(requestId, action === 'APPROVE' ? 'APPROVED' : 'REJECTED', note, at);
    if (action === 'APPROVE') this.repo.updateUser(request.userId, { tier: request.requestedTier });
    this.repo.recordSecurityEvent({ type: `upgrade_${action.toLowerCase()}d`, subject: request.userId, detail: `${request.requestedTier}: ${note}`, at });
    return this.repo.findUpgradeRequest(requestId)!;
  }

  quotaOf(tier: Tier): number {
    return TIER_REQUESTS_PER_MINUTE[tier];
  }

  /** The owner's principal, for IPC and the local token. */
  owner(): Principal {
    return OWNER;
  }
}

function safeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
