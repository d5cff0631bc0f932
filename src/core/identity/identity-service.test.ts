import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { argon2PasswordHasher } from '../../adapters/identity/argon2-password-hasher';
import { keychainSigningKey } from '../../adapters/identity/keychain-signing-key';
import { createSqliteIdentityRepository } from '../../adapters/persistence/sqlite/identity-repository';
import { openDatabase, type SqliteDatabase } from '../../adapters/persistence/sqlite/database';
import type { Notification } from '../ports/notifier';
import type { SecretField } from '../ports/secret-store';
import { FREE_LOGIN_ATTEMPTS, IdentityService } from './identity-service';

class ManualClock {
  constructor(public ms = Date.parse('2026-03-02T10:00:00Z')) {}
  now = () => new Date(this.ms);
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

function memorySecrets() {
  const entries = new Map<string, string>();
  return {
    entries,
    get: async (account: string, field: SecretField) => entries.get(`${account}:${field}`),
    set: async (account: string, field: SecretField, value: string) => void entries.set(`${account}:${field}`, value),
  };
}

describe('IdentityService (real SQLite, argon2id, jose)', () => {
  let dir: string;
  let db: SqliteDatabase;
  let clock: ManualClock;
  let notes: Notification[];
  let service: IdentityService;
  let secrets: ReturnType<typeof memorySecrets>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'echo-identity-'));
    db = openDatabase(join(dir, 'echo.sqlite'));
    clock = new ManualClock();
    notes = [];
    secrets = memorySecrets();
    service = new IdentityService({
      repo: createSqliteIdentityRepository(db),
      hasher: argon2PasswordHasher,
      keys: keychainSigningKey(secrets),
      clock,
      notifier: { notify: (n) => notes.push(n) },
    });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = { username: 'alice', email: 'Alice@Example.com', password: 'correct horse', full_name: 'Alice A' };

  it('registers a viewer on the Free tier; username and email are unique without case; the password is stored as argon2id', async () => {
    const user = await service.register(alice);
    expect(user).toMatchObject({ role: 'viewer', tier: 'Free', username: 'alice' });
    expect(user.passwordHash.startsWith('$argon2id$')).toBe(true);
    await expect(service.register({ ...alice, email: 'other@example.com', username: 'ALICE' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(service.register({ ...alice, username: 'alice2', email: 'alice@EXAMPLE.com' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(service.register({ ...alice, username: 'bob', email: 'bob@example.com', password: 'short' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const row = db.prepare('SELECT password_hash FROM users WHERE id = ?').get(user.id) as { password_hash: string };
    expect(row.password_hash).not.toContain('correct horse');
  });

  it('login → access token → refresh rotates; a reused refresh token revokes the session; logout ends it at once', async () => {
    await service.register(alice);
    const pair = await service.login('alice', 'correct horse', { user_agent: 'test' });
    expect(pair).toMatchObject({ token_type: 'bearer', expires_in: 86400, user_context: { username: 'alice', role: 'viewer', permissions: ['read'] } });
    expect(secrets.entries.size).toBe(1); // the signing key went to the keychain
    const principal = await service.authenticateAccessToken(pair.access_token);
    expect(principal).toMatchObject({ kind: 'user', username: 'alice', role: 'viewer' });

    const second = await service.refresh(pair.refresh_token);
    expect(second.refresh_token).not.toBe(pair.refresh_token);
    expect(await service.authenticateAccessToken(second.access_token)).toBeDefined();
    // The first refresh token again: a replay. The whole session ends.
    await expect(service.refresh(pair.refresh_token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await service.authenticateAccessToken(second.access_token)).toBeUndefined();
    await expect(service.refresh(second.refresh_token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    const third = await service.login('alice@example.com', 'correct horse');
    const p3 = await service.authenticateAccessToken(third.access_token);
    service.logout(p3!);
    expect(await service.authenticateAccessToken(third.access_token)).toBeUndefined();
  });

  it('refuses forged, tampered and expired access tokens', async () => {
    await service.register(alice);
    const pair = await service.login('alice', 'correct horse');
    const [h, p, s] = pair.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${s}`;
    expect(await service.authenticateAccessToken(tampered)).toBeUndefined();
    expect(await service.authenticateAccessToken('not.a.jwt')).toBeUndefined();
    clock.advance(86_401);
    expect(await service.authenticateAccessToken(pair.access_token)).toBeUndefined();
  });

  it('answers an unknown name and a wrong password alike, then makes each further try wait longer, logging each failure', async () => {
    await service.register(alice);
    // The same work either way: an unknown name is verified against a dummy argon2id hash.
    const verify = vi.spyOn(argon2PasswordHasher, 'verify');
    const unknown = await service.login('nobody', 'whatever1').catch((e: Error) => e.message);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]![0]).toMatch(/^\$argon2id\$/);
    verify.mockRestore();
    const wrong = await service.login('alice', 'wrong pass').catch((e: Error) => e.message);
    expect(unknown).toBe(wrong);
    for (let i = 1; i < FREE_LOGIN_ATTEMPTS; i++) await service.login('alice', 'wrong pass').catch(() => undefined);
    // Now locked for 1 s: even the right password waits.
    await expect(service.login('alice', 'correct horse')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    clock.advance(2);
    await service.login('alice', 'wrong pass').catch(() => undefined); // failure 6 → 2 s
    clock.advance(1);
    await expect(service.login('alice', 'correct horse')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    clock.advance(2);
    await expect(service.login('alice', 'correct horse')).resolves.toMatchObject({ token_type: 'bearer' });
    const types = db.prepare("SELECT type FROM security_events WHERE type LIKE 'login%'").all() as { type: string }[];
    expect(types.filter((t) => t.type === 'login_failed').length).toBe(FREE_LOGIN_ATTEMPTS + 2);
    expect(types.some((t) => t.type === 'login_throttled')).toBe(true);
  });

  it('password reset: the token reaches the owner, works once, expires, and ends every session', async () => {
    const user = await service.register(alice);
    const pair = await service.login('alice', 'correct horse');
    service.requestPasswordReset('nobody@example.com');
    expect(notes).toHaveLength(0);
    service.requestPasswordReset('ALICE@example.com');
    expect(notes[0]?.kind).toBe('password_reset');
    const [delivery] = service.pendingResets();
    expect(delivery?.user_id).toBe(user.id);
    await service.completePasswordReset(delivery!.token, 'new password 1');
    await expect(service.completePasswordReset(delivery!.token, 'new password 2')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await service.authenticateAccessToken(pair.access_token)).toBeUndefined();
    await expect(service.login('alice', 'correct horse')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(service.login('alice', 'new password 1')).resolves.toBeDefined();

    service.requestPasswordReset('alice@example.com');
    const late = service.pendingResets()[0]!;
    clock.advance(31 * 60);
    await expect(service.completePasswordReset(late.token, 'new password 3')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(service.pendingResets()).toHaveLength(0);
  });

  it('API keys carry at most their user role, are stored hashed and stop at once when revoked', async () => {
    const user = await service.register(alice);
    service.setRole(user.id, 'exporter');
    const { key, record } = service.createApiKey(user.id, 'export script', 'admin');
    expect(record.role).toBe('exporter');
    expect(JSON.stringify(db.prepare('SELECT * FROM api_keys').all())).not.toContain(key);
    expect(service.authenticateApiKey(key)).toMatchObject({ role: 'exporter', apiKeyId: record.id });
    service.setRole(user.id, 'viewer');
    expect(service.authenticateApiKey(key)).toMatchObject({ role: 'viewer' });
    service.revokeApiKey(service.owner(), record.id);
    expect(service.authenticateApiKey(key)).toBeUndefined();
  });

  it('upgrade requests queue for an admin; approval changes the tier and the quota', async () => {
    const user = await service.register(alice);
    const request = service.requestUpgrade(user.id, 'Premium', 'more backtests');
    await expect(Promise.resolve().then(() => service.requestUpgrade(user.id, 'Enterprise', 'again'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(service.upgradeQueue().map((r) => r.id)).toEqual([request.id]);
    expect(service.decideUpgrade(request.id, 'APPROVE', 'ok')).toMatchObject({ status: 'APPROVED', note: 'ok' });
    expect(service.user(user.id).tier).toBe('Premium');
    expect(() => service.decideUpgrade(request.id, 'REJECT', 'late')).toThrow(/approved already/);
  });

  it('counts requests per user in one-minute windows by tier', async () => {
    const user = await service.register(alice);
    const principal = { kind: 'user' as const, userId: user.id, username: 'alice', role: 'viewer' as const, tier: 'Free' as const };
    let last;
    for (let i = 0; i < 60; i++) last = service.consumeQuota(principal);
    expect(last).toMatchObject({ allowed: true, limit: 60, remaining: 0 });
    expect(service.consumeQuota(principal)).toMatchObject({ allowed: false });
    clock.advance(60);
    expect(service.consumeQuota(principal)).toMatchObject({ allowed: true, remaining: 59 });
    expect(service.consumeQuota(service.owner())).toBeUndefined();
  });
});
