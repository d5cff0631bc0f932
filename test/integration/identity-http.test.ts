import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procedures, type Procedure, type ProcedureName } from '../../src/shared/contract/index';
import { PROCEDURE_PERMISSIONS } from '../../src/shared/contract/permissions';
import { roleGrants, type Role } from '../../src/shared/contract/access';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { startTestServer, type TestServer } from '../kit/server';

/** The documents' sign-in flows as written, over real HTTP on loopback, against a real SQLite file. */
describe('identity over HTTP: every documented sign-in on one account store', () => {
  let server: TestServer;
  const secrets = new MemorySecretStore();

  beforeAll(async () => {
    server = await startTestServer({ context: { secrets } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A request with no credentials but those given. */
  async function raw(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('forex-echo: register → login by email (and market7: by username); a wrong password and an unknown name read alike', async () => {
    const registered = await raw('POST', '/api/auth/register', {
      body: { username: 'john_trader', email: 'john@example.com', password: 'SecurePass123!', full_name: 'John Trader' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ success: true, data: { username: 'john_trader', role: 'viewer', tier: 'Free' } });
    expect(JSON.stringify(registered.body)).not.toContain('SecurePass123!');

    const byEmail = await raw('POST', '/api/auth/login', { body: { email: 'John@Example.com', password: 'SecurePass123!' } });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.data).toMatchObject({ token_type: 'bearer', expires_in: 86400, user_context: { role: 'viewer' } });
    const byUsername = await raw('POST', '/api/auth/login', { body: { username: 'john_trader', password: 'SecurePass123!' } });
    expect(byUsername.status).toBe(200);

    const wrong = await raw('POST', '/api/auth/login', { body: { username: 'john_trader', password: 'nope-nope' } });
    const unknown = await raw('POST', '/api/auth/login', { body: { username: 'nobody_here', password: 'nope-nope' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error).toBe(unknown.body.error);
    const duplicate = await raw('POST', '/api/auth/register', { body: { username: 'JOHN_TRADER', email: 'x@example.com', password: 'SecurePass123!' } });
    expect(duplicate.status).toBe(409);
  });

  it('trading-application: login → me → refresh → logout, and the old tokens are refused', async () => {
    const login = await raw('POST', '/api/v1/auth/login', {
      body: { username: 'john_trader', password: 'SecurePass123!', device_info: { ip_address: '127.0.0.1', user_agent: 'curl', device_type: 'script' } },
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token_type: 'bearer', expires_in: 86400, user_context: { username: 'john_trader', role: 'viewer', permissions: ['read'] } });
    const { access_token, refresh_token } = login.body;

    const me = await raw('GET', '/api/v1/auth/me', { headers: bearer(access_token) });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user_id: login.body.user_context.user_id, username: 'john_trader', role: 'viewer', permissions: ['read'] });
    const permissions = await raw('GET', '/api/v1/auth/permissions', { headers: bearer(access_token) });
    expect(permissions.body).toMatchObject({ success: true, message: 'User permissions retrieved', data: { permissions: ['read'], role: 'viewer' } });

    const sessions = await raw('GET', '/api/v1/auth/sessions', { headers: bearer(access_token) });
    const mine = sessions.body.data.sessions.find((s: { device_info: { device_type?: string } }) => s.device_info.device_type === 'script');
    expect(mine).toBeDefined();

    const refreshed = await raw('POST', '/api/v1/auth/refresh', { body: { refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(refresh_token);
    const replay = await raw('POST', '/api/v1/auth/refresh', { body: { refresh_token } });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ success: false, detail: expect.stringContaining('sign in again'), request_id: expect.any(String) });
    // The replay ended the session: the refreshed access token is refused too.
    expect((await raw('GET', '/api/v1/auth/me', { headers: bearer(refreshed.body.access_token) })).status).toBe(401);

    const again = await raw('POST', '/api/v1/auth/login', { body: { username: 'john_trader', password: 'SecurePass123!' } });
    const logout = await raw('POST', '/api/v1/auth/logout', { headers: bearer(again.body.access_token) });
    expect(logout.body).toMatchObject({ success: true, message: 'Successfully logged out', data: { timestamp: expect.any(String) } });
    const after = await raw('GET', '/api/v1/auth/me', { headers: bearer(again.body.access_token) });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ success: false, detail: expect.any(String) });
  });

  it('ai-trading-hub: register by email, the OAuth2 password form, profile with tier and quota, an upgrade an admin approves', async () => {
    const registered = await raw('POST', '/auth/register', { body: { email: 'pro@example.com', password: 'securepassword', full_name: 'Trader Pro' } });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ username: 'pro', email: 'pro@example.com', full_name: 'Trader Pro', tier: 'Free' });
    const token = await raw('POST', '/auth/token', { form: { username: 'pro@example.com', password: 'securepassword' } });
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ access_token: expect.any(String), token_type: 'bearer' });
    const access = token.body.access_token as string;

    const profile = await raw('GET', '/user/me', { headers: bearer(access) });
    expect(profile.body).toMatchObject({ email: 'pro@example.com', role: 'Free', access_role: 'viewer', quota: { requests_per_minute: 60 } });
    expect(profile.headers.get('x-ratelimit-limit')).toBe('60');
    expect(Number(profile.headers.get('x-ratelimit-remaining'))).toBeLessThan(60);
    expect(Number(profile.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);

    const upgrade = await raw('POST', '/user/request-upgrade', { headers: bearer(access), body: { target_role: 'premium' } });
    expect(upgrade.status).toBe(201);
    const refused = await raw('GET', '/admin/upgrade-queue', { headers: bearer(access) });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ detail: expect.stringContaining('users'), code: 'FORBIDDEN' });

    const queue = await server.call('GET', '/admin/upgrade-queue');
    expect(queue.body.map((r: { request_id: string }) => r.request_id)).toContain(upgrade.body.request_id);
    const decided = await server.call('POST', '/admin/execute-upgrade', { request_id: upgrade.body.request_id, action: 'APPROVE', note: 'Payment received' });
    expect(decided.body).toMatchObject({ status: 'APPROVED', note: 'Payment received', target_role: 'Premium' });
    const upgraded = await raw('GET', '/user/me', { headers: bearer(access) });
    expect(upgraded.body).toMatchObject({ role: 'Premium', quota: { requests_per_minute: 600 } });
    const bad = await raw('POST', '/admin/execute-upgrade', { headers: bearer(access), body: { request_id: 'x', action: 'MAYBE' } });
    expect(bad.status).toBe(403);
    const badInput = await server.call('POST', '/admin/execute-upgrade', { request_id: 'x', action: 'MAYBE' });
    expect(badInput.status).toBe(400);
    expect(badInput.body).toMatchObject({ detail: expect.stringContaining('APPROVE') });
  });

  it('password reset without a mail server: the owner sees the token, it works once and ends every session', async () => {
    const login = await raw('POST', '/api/v1/auth/login', { body: { username: 'john_trader', password: 'SecurePass123!' } });
    const asked = await raw('POST', '/api/v1/auth/password/reset', { body: { email: 'john@example.com' } });
    const askedUnknown = await raw('POST', '/api/v1/auth/password/reset', { body: { email: 'ghost@example.com' } });
    expect(asked.body.message).toBe(askedUnknown.body.message);
    const pending = await server.call('GET', '/api/identity/password-resets');
    const delivery = pending.body.data.find((d: { email: string }) => d.email === 'john@example.com');
    expect(delivery.token).toMatch(/^pr_/);
    const done = await raw('POST', '/api/v1/auth/password/reset/complete', { body: { token: delivery.token, new_password: 'BrandNew456!' } });
    expect(done.body).toMatchObject({ success: true, message: 'Password reset successful' });
    const reused = await raw('POST', '/api/v1/auth/password/reset/complete', { body: { token: delivery.token, new_password: 'Another789!' } });
    expect(reused.status).toBe(400);
    expect((await raw('GET', '/api/v1/auth/me', { headers: bearer(login.body.access_token) })).status).toBe(401);
    expect((await raw('POST', '/api/v1/auth/login', { body: { username: 'john_trader', password: 'BrandNew456!' } })).status).toBe(200);
  });

  it('API keys: shown once, carry at most their user role, counted against the tier quota (429 with headers), revocable', async () => {
    const users = await server.call('GET', '/api/identity/users');
    const john = users.body.data.find((u: { username: string }) => u.username === 'john_trader');
    await server.call('PUT', `/api/identity/users/${john.user_id}/role`, { role: 'exporter' });
    const created = await server.call('POST', '/api/identity/api-keys', { name: 'export script', role: 'admin', user_id: john.user_id });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ role: 'exporter', api_key: expect.stringMatching(/^ek_/) });
    const key = created.body.data.api_key as string;
    const listed = await server.call('GET', '/api/identity/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const read = await raw('GET', '/api/capital/portfolios', { headers: { 'x-api-key': key } });
    expect(read.status).toBe(200);
    const write = await raw('POST', '/api/capital/portfolio', { headers: { 'x-api-key': key }, body: { user_id: 'u1', total_capital: 1000 } });
    expect(write.status).toBe(403);
    expect(write.body.error).toMatch(/exporter.*"write"/);

    // The exporter's own permission: CSV files of trades and the journal (a viewer is refused them).
    const csv = await fetch(`${server.url}/api/export/journal.csv`, { headers: { 'x-api-key': key } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="journal.csv"');
    expect((await csv.text()).split('\r\n')[0]).toBe('id,time,type,severity,task_id,code,message');
    const trades = await raw('GET', '/api/export/trades.csv', { headers: { 'x-api-key': key, accept: 'application/json' } });
    expect(trades.body.data).toMatchObject({ filename: 'trades.csv', content_type: 'text/csv', rows: 0 });

    let last = read;
    // Fixed one-minute windows: a loop that straddles a minute boundary needs up to two windows.
    for (let i = 0; i < 125 && last.status !== 429; i++) last = await raw('GET', '/api/capital/portfolios', { headers: { 'x-api-key': key } });
    expect(last.status).toBe(429);
    expect(last.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);

    await server.call('DELETE', `/api/identity/api-keys/${created.body.data.key_id}`);
    expect((await raw('GET', '/api/capital/portfolios', { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  /** Every route of the contract, for each role: refused with 403 exactly when the role lacks the procedure's permission. */
  it('walks every route of the contract for viewer, exporter and admin users', async () => {
    const tokens: Record<Role, string> = { viewer: '', exporter: '', admin: '' };
    for (const role of ['viewer', 'exporter', 'admin'] as const) {
      const name = `walk_${role}`;
      await server.call('POST', '/api/identity/users', { username: name, email: `${name}@example.com`, password: 'walk-the-routes', role });
      // Premium quota so 100+ calls fit in the window.
      const login = await raw('POST', '/api/v1/auth/login', { body: { username: name, password: 'walk-the-routes' } });
      tokens[role] = login.body.access_token;
      const user = (await server.call('GET', '/api/identity/users')).body.data.find((u: { username: string }) => u.username === name);
      const request = await raw('POST', '/user/request-upgrade', { headers: bearer(tokens[role]), body: { target_role: 'enterprise' } });
      await server.call('POST', '/admin/execute-upgrade', { request_id: request.body.request_id, action: 'APPROVE', note: 'walk' });
      expect(user.role).toBe(role);
    }
    const fill = (path: string) => path.replace(/\{[^}]+\}/g, '1');
    const checked: string[] = [];
    for (const role of ['viewer', 'exporter', 'admin'] as const) {
      for (const [name, procedure] of Object.entries(procedures) as [ProcedureName, Procedure][]) {
        const needed = PROCEDURE_PERMISSIONS[name];
        if (needed === 'public') continue;
        // Side effects that would end the walk itself (logging out, rotating the owner token): tested on their own above.
        if (name === 'auth.logout' || (role === 'admin' && name === 'system.rotateApiToken')) continue;
        for (const route of procedure.http) {
          const response = await raw(route.method, fill(route.path), {
            headers: bearer(tokens[role]),
            ...(route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH' ? { body: {} } : {}),
          });
          const allowed = needed === 'signed-in' || roleGrants(role, needed);
          checked.push(`${role} ${route.method} ${route.path} ${response.status}`);
          expect(response.status, `${role} ${route.method} ${route.path}`).toBeLessThan(500);
          if (allowed) expect(response.status, `${role} ${route.method} ${route.path} (${needed})`).not.toBe(403);
          else expect(response.status, `${role} ${route.method} ${route.path} (${needed})`).toBe(403);
        }
      }
    }
    expect(checked.length).toBeGreaterThan(250);
  });

  it('no credentials: 401 on every non-public route; public routes answer', async () => {
    expect((await raw('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await raw('GET', '/user/me')).body).toMatchObject({ detail: expect.any(String) });
    expect((await raw('GET', '/health')).status).toBe(200);
  });
});
