import type { Role, Tier } from '../../../shared/contract/access';
import type {
  ApiKeyRecord,
  IdentityRepository,
  SecurityEventRecord,
  SessionRecord,
  UpgradeRequestRecord,
  UserRecord,
} from '../../../core/ports/identity';
import type { SqliteDatabase } from './database';

interface UserRow {
  id: string;
  username: string;
  email: string;
  full_name: string;
  role: Role;
  tier: Tier;
  password_hash: string;
  disabled: number;
  created_at: string;
}

interface SessionRow {
  id: string;
  user_id: string;
  device_info_json: string;
  created_at: string;
  last_used_at: string;
  refresh_expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  role: Role;
  key_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface UpgradeRow {
  id: string;
  user_id: string;
  current_tier: Tier;
  requested_tier: Tier;
  reason: string;
  status: UpgradeRequestRecord['status'];
  created_at: string;
  decided_at: string | null;
  note: string | null;
}

const key = (text: string): string => text.trim().toLowerCase();

const userOf = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  email: r.email,
  fullName: r.full_name,
  role: r.role,
  tier: r.tier,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  disabled: r.disabled === 1,
});

const sessionOf = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  deviceInfo: JSON.parse(r.device_info_json) as SessionRecord['deviceInfo'],
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  refreshExpiresAt: r.refresh_expires_at,
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  ...(r.revoked_reason ? { revokedReason: r.revoked_reason } : {}),
});

const apiKeyOf = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  role: r.role,
  keyHash: r.key_hash,
  prefix: r.prefix,
  createdAt: r.created_at,
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

const upgradeOf = (r: UpgradeRow): UpgradeRequestRecord => ({
  id: r.id,
  userId: r.user_id,
  currentTier: r.current_tier,
  requestedTier: r.requested_tier,
  reason: r.reason,
  status: r.status,
  createdAt: r.created_at,
  ...(r.decided_at ? { decidedAt: r.decided_at } : {}),
  ...(r.note !== null ? { note: r.note } : {}),
});

export function createSqliteIdentityRepository(db: SqliteDatabase): IdentityRepository {
  const q = {
    insertUser: db.prepare(
      `INSERT INTO users (id, username, username_key, email, email_key, full_name, role, tier, password_hash, disabled, created_at)
       VALUES (@id, @username, @username_key, @email, @email_key, @full_name, @role, @tier, @password_hash, @disabled, @created_at)`,
    ),
    userByUsername: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_key = ?'),
    userByEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email_key = ?'),
    user: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    users: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY created_at, id'),
    countUsers: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
    insertSession: db.prepare(
      `INSERT INTO user_sessions (id, user_id, device_info_json, created_at, last_used_at, refresh_expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    insertRefresh: db.prepare('INSERT INTO refresh_tokens (hash, session_id, issued_at) VALUES (?, ?, ?)'),
    session: db.prepare<[string], SessionRow>('SELECT * FROM user_sessions WHERE id = ?'),
    sessionsOf: db.prepare<[string], SessionRow>('SELECT * FROM user_sessions WHERE user_id = ? ORDER BY created_at DESC, id'),
    refresh: db.prepare<[string], { session_id: string; used_at: string | null }>('SELECT session_id, used_at FROM refresh_tokens WHERE hash = ?'),
    spendRefresh: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND session_id = ? AND used_at IS NULL'),
    touchSession: db.prepare('UPDATE user_sessions SET last_used_at = ?, refresh_expires_at = ? WHERE id = ?'),
    revokeSession: db.prepare('UPDATE user_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL'),
    revokeSessionsOf: db.prepare('UPDATE user_sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL'),
    insertReset: db.prepare('INSERT INTO password_reset_tokens (hash, user_id, expires_at) VALUES (?, ?, ?)'),
    consumeReset: db.prepare<[string, string, string], { user_id: string }>(
      'UPDATE password_reset_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id',
    ),
    insertApiKey: db.prepare(
      `INSERT INTO api_keys (id, user_id, name, role, key_hash, prefix, created_at) VALUES (@id, @user_id, @name, @role, @key_hash, @prefix, @created_at)`,
    ),
    apiKeyByHash: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?'),
    apiKeysOf: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at, id'),
    apiKeys: db.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id'),
    revokeApiKey: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    touchApiKey: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    insertUpgrade: db.prepare(
      `INSERT INTO upgrade_requests (id, user_id, current_tier, requested_tier, reason, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    upgrade: db.prepare<[string], UpgradeRow>('SELECT * FROM upgrade_requests WHERE id = ?'),
    upgrades: db.prepare<[], UpgradeRow>('SELECT * FROM upgrade_requests ORDER BY created_at, id'),
    upgradesByStatus: db.prepare<[string], UpgradeRow>('SELECT * FROM upgrade_requests WHERE status = ? ORDER BY created_at, id'),
    decideUpgrade: db.prepare('UPDATE upgrade_requests SET status = ?, note = ?, decided_at = ? WHERE id = ?'),
    failures: db.prepare<[string], { count: number; last_at: string }>('SELECT count, last_at FROM login_failures WHERE identifier = ?'),
    recordFailure: db.prepare<[string, string], { count: number }>(
      `INSERT INTO login_failures (identifier, count, last_at) VALUES (?, 1, ?)
       ON CONFLICT (identifier) DO UPDATE SET count = count + 1, last_at = excluded.last_at RETURNING count`,
    ),
    clearFailures: db.prepare('DELETE FROM login_failures WHERE identifier = ?'),
    insertEvent: db.prepare('INSERT INTO security_events (type, subject, detail, at) VALUES (?, ?, ?, ?)'),
    events: db.prepare<[number], SecurityEventRecord>('SELECT type, subject, detail, at FROM security_events ORDER BY id DESC LIMIT ?'),
  };

  const rotate = db.transaction((sessionId: string, oldHash: string, newHash: string, expires: string, at: string): boolean => {
    if (q.spendRefresh.run(at, oldHash, sessionId).changes !== 1) return false;
    q.insertRefresh.run(newHash, sessionId, at);
    q.touchSession.run(at, expires, sessionId);
    return true;
  });
  const insertSession = db.transaction((s: SessionRecord, hash: string) => {
    q.insertSession.run(s.id, s.userId, JSON.stringify(s.deviceInfo ?? {}), s.createdAt, s.lastUsedAt, s.refreshExpiresAt);
    q.insertRefresh.run(hash, s.id, s.createdAt);
  });

  return {
    insertUser(u) {
      q.insertUser.run({
        id: u.id,
        username: u.username,
        username_key: key(u.username),
        email: u.email,
        email_key: key(u.email),
        full_name: u.fullName,
        role: u.role,
        tier: u.tier,
        password_hash: u.passwordHash,
        disabled: u.disabled ? 1 : 0,
        created_at: u.createdAt,
      });
    },
    findUserByUsername: (username) => mapOptional(q.userByUsername.get(key(username)), userOf),
    findUserByEmail: (email) => mapOptional(q.userByEmail.get(key(email)), userOf),
    findUser: (id) => mapOptional(q.user.get(id), userOf),
    listUsers: () => q.users.all().map(userOf),
    countUsers: () => q.countUsers.get()?.n ?? 0,
    updateUser(id, changes) {
      const sets: string[] = [];
      const values: unknown[] = [];
      if (changes.role !== undefined) (sets.push('role = ?'), values.push(changes.role));
      if (changes.tier !== undefined) (sets.push('tier = ?'), values.push(changes.tier));
      if (changes.passwordHash !== undefined) (sets.push('password_hash = ?'), values.push(changes.passwordHash));
      if (changes.disabled !== undefined) (sets.push('disabled = ?'), values.push(changes.disabled ? 1 : 0));
      if (sets.length) db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    },
    insertSession: (session, hash) => insertSession(session, hash),
    findSession: (id) => mapOptional(q.session.get(id), sessionOf),
    listSessions: (userId) => q.sessionsOf.all(userId).map(sessionOf),
    findRefreshToken(hash) {
      const row = q.refresh.get(hash);
      return row ? { sessionId: row.session_id, current: row.used_at === null } : undefined;
    },
    rotateRefreshToken: (sessionId, oldHash, newHash, expires, at) => rotate(sessionId, oldHash, newHash, expires, at),
    revokeSession: (id, reason, at) => void q.revokeSession.run(at, reason, id),
    revokeSessionsOf: (userId, reason, at) => q.revokeSessionsOf.run(at, reason, userId).changes,
    insertResetToken: (hash, userId, expiresAt) => void q.insertReset.run(hash, userId, expiresAt),
    consumeResetToken: (hash, at) => q.consumeReset.get(at, hash, at)?.user_id,
    insertApiKey(k) {
      q.insertApiKey.run({ id: k.id, user_id: k.userId, name: k.name, role: k.role, key_hash: k.keyHash, prefix: k.prefix, created_at: k.createdAt });
    },
    findApiKeyByHash: (hash) => mapOptional(q.apiKeyByHash.get(hash), apiKeyOf),
    listApiKeys: (userId) => (userId ? q.apiKeysOf.all(userId) : q.apiKeys.all()).map(apiKeyOf),
    revokeApiKey: (id, at) => q.revokeApiKey.run(at, id).changes === 1,
    touchApiKey: (id, at) => void q.touchApiKey.run(at, id),
    insertUpgradeRequest(r) {
      q.insertUpgrade.run(r.id, r.userId, r.currentTier, r.requestedTier, r.reason, r.status, r.createdAt);
    },
    findUpgradeRequest: (id) => mapOptional(q.upgrade.get(id), upgradeOf),
    listUpgradeRequests: (status) => (status ? q.upgradesByStatus.all(status) : q.upgrades.all()).map(upgradeOf),
    decideUpgradeRequest: (id, status, note, at) => void q.decideUpgrade.run(status, note, at, id),
    loginFailures(identifier) {
      const row = q.failures.get(identifier);
      return row ? { count: row.count, lastAt: row.last_at } : undefined;
    },
    recordLoginFailure: (identifier, at) => q.recordFailure.get(identifier, at)?.count ?? 1,
    clearLoginFailures: (identifier) => void q.clearFailures.run(identifier),
    recordSecurityEvent: (e) => void q.insertEvent.run(e.type, e.subject, e.detail, e.at),
    listSecurityEvents: (limit) => q.events.all(limit),
  };
}

function mapOptional<R, T>(row: R | undefined, map: (row: R) => T): T | undefined {
  return row === undefined ? undefined : map(row);
}
