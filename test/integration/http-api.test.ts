import { request as httpRequest } from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

/** A raw request, for headers fetch would not let us forge (Host). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers, setHost: !('Host' in headers) }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('the local API server', () => {
  it('answers /health without a token, in the documented envelope', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ success: true, message: expect.any(String), data: { status: 'ok' } });
  });

  it('creates the token on first start, owner-only', () => {
    const mode = statSync(join(server.dataDir, 'api-token')).mode & 0o777;
    if (process.platform !== 'win32') expect(mode).toBe(0o600);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('requires the token everywhere else, as Bearer or X-API-Key', async () => {
    const none = await fetch(`${server.url}/api/capital/portfolios`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ success: false, code: 'UNAUTHORIZED', error: expect.stringContaining('api-token') });
    const wrong = await fetch(`${server.url}/api/capital/portfolios`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const key = await fetch(`${server.url}/api/capital/portfolios`, { headers: { 'x-api-key': server.token } });
    expect(key.status).toBe(200);
    for (const path of ['/docs', '/openapi.json', '/']) {
      expect((await fetch(`${server.url}${path}`, { redirect: 'manual' })).status, path).toBe(401);
    }
  });

  it('refuses Host names that are not loopback (DNS rebinding)', async () => {
    const evil = await raw('/health', { Host: 'evil.example:8000' });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatchObject({ success: false, code: 'FORBIDDEN' });
    const ok = await raw('/health', { Host: `localhost:${server.port}` });
    expect(ok.status).toBe(200);
  });

  it('refuses foreign browser origins, even with a valid token', async () => {
    const foreign = await server.call('POST', '/api/capital/portfolio', { user_id: 'x', total_capital: 1 }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const nullOrigin = await server.call('GET', '/api/capital/portfolios', undefined, { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const crossSite = await server.call('GET', '/api/capital/portfolios', undefined, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const same = await server.call('GET', '/api/capital/portfolios', undefined, { origin: server.url });
    expect(same.status).toBe(200);
  });

  it('redirects / to /docs and serves the OpenAPI document generated from the contract', async () => {
    const root = await fetch(`${server.url}/`, { headers: { authorization: `Bearer ${server.token}` }, redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/docs');
    const docs = await fetch(`${server.url}/docs`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(docs.status).toBe(200);
    const spec = (await server.call('GET', '/openapi.json')).body;
    expect(spec.openapi).toBe('3.1.0');
    for (const path of [
      '/api/capital/portfolio',
      '/api/capital/strategy/allocate',
      '/api/capital/strategy',
      '/api/capital/pairs/allocate',
      '/api/capital/pair',
      '/api/capital/dashboard/{user_id}',
      '/api/capital/risk-status/{user_id}',
      '/api/capital/reset/{user_id}',
      '/health',
    ]) {
      expect(spec.paths[path], path).toBeDefined();
    }
    expect(spec.paths['/api/capital/reset/{user_id}'].delete.parameters[0]).toMatchObject({ name: 'user_id', in: 'path' });
  });

  it('signs a browser in with a one-time link and an HttpOnly cookie', async () => {
    const link = server.signInUrl();
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0] as string;
    const withCookie = await fetch(`${server.url}/api/capital/portfolios`, { headers: { cookie: session } });
    expect(withCookie.status).toBe(200);
    const reused = await fetch(link, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(reused.status).toBe(401);
    expect(await reused.text()).toContain('already used or has expired');
    expect(session).not.toContain(server.token);
  });

  it('turns bad input into a 4xx with the envelope, never a 5xx', async () => {
    const cases: [string, string, string | undefined, Record<string, string>, number][] = [
      ['POST', '/api/capital/portfolio', '{not json', { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', '[1,2,3]', { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', '"text"', { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', 'null', { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', '', { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', 'user_id=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
      ['POST', '/api/capital/portfolio', '{"__proto__":{"x":1},"total_capital":5}', { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', JSON.stringify({ total_capital: 'abc' }), { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', JSON.stringify({ total_capital: -5 }), { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/portfolio', JSON.stringify({ total_capital: 1e300 }), { 'content-type': 'application/json' }, 400],
      ['POST', '/api/capital/pairs/allocate', JSON.stringify({ strategy_allocation_id: 'one', pair_allocations: {} }), { 'content-type': 'application/json' }, 400],
      ['GET', '/api/capital/dashboard/%E0%A4%A', undefined, {}, 400],
      ['GET', '/api/capital/nothing-here', undefined, {}, 404],
      ['PUT', '/api/capital/portfolio', '{}', { 'content-type': 'application/json' }, 404],
    ];
    for (const [method, path, body, headers, status] of cases) {
      const res = await raw(path, { authorization: `Bearer ${server.token}`, ...headers }, method, body);
      expect(res.status, `${method} ${path} ${body}`).toBe(status);
      expect(res.body, `${method} ${path} ${body}`).toMatchObject({ success: false, error: expect.any(String) });
    }
  });

  it('names missing and unknown fields so a trader can fix the request', async () => {
    const res = await server.call('POST', '/api/capital/strategy/allocate', { portfolio_id: 1, strategy_nam: 'Gold' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('strategy_name');
    expect(res.body.error).toContain('"strategy_nam"');
    expect(res.body.details.length).toBeGreaterThan(0);
  });

  it('refuses a body over the size limit with 413', async () => {
    const huge = JSON.stringify({ user_id: 'x', total_capital: 1, pad: 'x'.repeat(2 * 1024 * 1024) });
    const res = await raw('/api/capital/portfolio', { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, 'POST', huge);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
  });
});
