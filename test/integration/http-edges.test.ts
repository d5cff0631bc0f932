import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The edges of the local API over real loopback sockets (issue 8.3, 8.4, 9.3): what Node's HTTP parser refuses, double
 * slashes, what a 401 reveals, token rotation seen by a running server, the sign-in cookie's life, and which terminal
 * /api/mt5/connect may start.
 */
const repoRoot = resolve(__dirname, '..', '..');
let server: TestServer;
const temp: string[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
  /** How the server ended the connection: 'end' (FIN, clean) or the socket error (ECONNRESET). */
  ended: string;
}

/**
 * Sends bytes on a fresh TCP connection and reads until the server closes it. `inPieces`: 16 kB pieces a few ms apart,
 * so the client is still sending when the server refuses (as a real client with a large request is).
 */
function rawExchange(port: number, text: string, inPieces = false): Promise<RawAnswer> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let ended = '';
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => (ended = e.code ?? e.message));
    socket.on('end', () => (ended ||= 'end'));
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const split = all.indexOf('\r\n\r\n');
      if (split === -1) return reject(new Error(`no HTTP answer (${ended}): ${JSON.stringify(all.slice(0, 200))}`));
      const [statusLine, ...lines] = all.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolvePromise({ status: Number(statusLine?.split(' ')[1]), headers, body: JSON.parse(all.slice(split + 4)), ended });
    });
    const bytes = Buffer.from(text);
    if (!inPieces) {
      socket.write(bytes);
      return;
    }
    let offset = 0;
    const sendMore = () => {
      if (offset >= bytes.length || socket.destroyed) return;
      socket.write(bytes.subarray(offset, offset + 16_384));
      offset += 16_384;
      setTimeout(sendMore, 2);
    };
    sendMore();
  });
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function signIn(): Promise<{ cookie: string; setCookie: string }> {
  const res = await fetch(server.signInUrl(), { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] as string, setCookie };
}

function runTokenCommand(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile('npm', ['run', '-s', 'token', '--', ...args], { cwd: repoRoot, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolvePromise({ stdout, stderr }),
    );
  });
}

describe('requests the HTTP parser refuses', () => {
  it('answers a 20 kB header with 431 in the JSON envelope and Connection: close, without a reset; the next request works', async () => {
    const answer = await rawExchange(
      server.port,
      `GET /api/capital/portfolios HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      true,
    );
    expect(answer.status).toBe(431);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['content-type']).toMatch(/application\/json/);
    expect(answer.body).toMatchObject({ success: false, code: 'HEADERS_TOO_LARGE', error: expect.stringMatching(/headers are too large/) });
    expect(answer.ended).toBe('end');
    expect((await get('/health')).status).toBe(200);
  });

  it('answers a 100 kB URL with 414 in its family’s envelope (trading-application under /api/v1), without a reset', async () => {
    const answer = await rawExchange(server.port, `GET /api/v1/accounts?q=${'x'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(answer.status).toBe(414);
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).toMatchObject({ success: false, code: 'URI_TOO_LONG', detail: expect.stringMatching(/URL is too long/) });
    expect(answer.ended).toBe('end');
    expect((await get('/api/v1/accounts/list', bearer(server.token))).status).toBe(200);
  });

  it('lets a client that is still sending a 1 MB URL read the refusal: the connection ends with a FIN, not a reset', async () => {
    const answer = await rawExchange(server.port, `GET /api/capital/portfolios?q=${'y'.repeat(1_000_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, true);
    // Which part overflowed is known only when the refused piece still holds the request line; both are 4xx in the envelope.
    expect([414, 431]).toContain(answer.status);
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).toMatchObject({ success: false, code: expect.stringMatching(/^(URI_TOO_LONG|HEADERS_TOO_LARGE)$/) });
    expect(answer.ended).toBe('end');
    expect((await get('/health')).status).toBe(200);
  });

  it('gives a keep-alive client an answer, not ECONNRESET, and a fresh connection after it works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string; connection: string | undefined }>((resolvePromise, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/api/capital/portfolios', agent, headers }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect((await send(bearer(server.token))).status).toBe(200);
      const refused = await send({ ...bearer(server.token), 'x-big': 'b'.repeat(20_000) });
      expect(refused).toMatchObject({ status: 431, connection: 'close' });
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
      expect((await send(bearer(server.token))).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('answers a request that is not HTTP with 400 in the envelope', async () => {
    const answer = await rawExchange(server.port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
  });
});

describe('double slashes', () => {
  it('route //api/v1/... as /api/v1/..., refusals in the trading-application envelope', async () => {
    const anonymous = await get('//api/v1/accounts');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ success: false, code: 'UNAUTHORIZED', detail: expect.any(String) });
    const missing = await get('//api/v1//no-such-thing', bearer(server.token));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ success: false, code: 'NOT_FOUND', detail: expect.any(String) });
    const listed = await get('//api/v1//accounts/list', bearer(server.token));
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual(await (await get('/api/v1/accounts/list', bearer(server.token))).json());
    expect((await get('//health')).status).toBe(200);
  });
});

describe('what a 401 says', () => {
  it('names the api-token file and `npm run token`, never the absolute path of the data folder', async () => {
    const json = await (await get('/api/capital/portfolios')).text();
    const html = await (await get('/', { accept: 'text/html' })).text();
    for (const text of [json, html]) {
      expect(text).toContain('api-token file in the data folder');
      expect(text).toContain('npm run token');
      expect(text).not.toContain(server.dataDir);
      expect(text).not.toContain(tmpdir());
    }
  });
});

describe('the API token', () => {
  it('`npm run -s token` prints the token the running server accepts (by --data-dir and by ECHO_DATA_DIR)', async () => {
    const byFlag = await runTokenCommand(['--data-dir', server.dataDir]);
    expect(byFlag.stdout).toBe(`${server.apiToken.current()}\n`);
    const byEnv = await runTokenCommand([], { ECHO_DATA_DIR: server.dataDir });
    expect(byEnv.stdout.trim()).toBe(server.apiToken.current());
    expect((await get('/api/capital/portfolios', bearer(byFlag.stdout.trim()))).status).toBe(200);
  }, 30_000);

  it('creates the data folder and an owner-only token when missing, by the same rules as the server', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'echo-token-')), 'nested', 'data');
    temp.push(dir);
    const { stdout, stderr } = await runTokenCommand(['--data-dir', dir]);
    expect(stdout.trim()).toMatch(/^[\w-]{43}$/);
    expect(stderr).toMatch(/Created a new API token/);
    expect(readFileSync(join(dir, 'api-token'), 'utf8').trim()).toBe(stdout.trim());
    expect((await runTokenCommand(['--data-dir', dir])).stdout).toBe(stdout);
  }, 30_000);

  it('the browser sign-in lasts 7 days', async () => {
    const { setCookie } = await signIn();
    expect(setCookie).toMatch(/Max-Age=604800/);
    expect(setCookie).toMatch(/HttpOnly/);
  });

  it('`npm run token -- --rotate` makes the old token and the old sign-in cookie fail on the running server at once', async () => {
    const oldToken = server.apiToken.current();
    const { cookie } = await signIn();
    expect((await get('/api/capital/portfolios', { cookie })).status).toBe(200);
    const { stdout } = await runTokenCommand(['--data-dir', server.dataDir, '--rotate']);
    const newToken = stdout.trim();
    expect(newToken).not.toBe(oldToken);
    expect((await get('/api/capital/portfolios', bearer(oldToken))).status).toBe(401);
    expect((await get('/api/capital/portfolios', { 'x-api-key': oldToken })).status).toBe(401);
    expect((await get('/api/capital/portfolios', { cookie })).status).toBe(401);
    expect((await get('/api/capital/portfolios', bearer(newToken))).status).toBe(200);
  }, 30_000);

  it('POST /api/token/rotate (the app’s Rotate button) revokes the token and other browsers; the rotating browser keeps a fresh sign-in', async () => {
    const oldToken = server.apiToken.current();
    const other = await signIn();
    const mine = await signIn();
    const res = await fetch(`${server.url}/api/token/rotate`, { method: 'POST', headers: { cookie: mine.cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ success: true, data: { rotated: true, token_file: 'api-token' } });
    expect(JSON.stringify(body)).not.toContain(server.dataDir);
    const fresh = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(fresh).toMatch(/^echo_session=/);
    expect((await get('/api/capital/portfolios', bearer(oldToken))).status).toBe(401);
    expect((await get('/api/capital/portfolios', { cookie: other.cookie })).status).toBe(401);
    expect((await get('/api/capital/portfolios', { cookie: mine.cookie })).status).toBe(401);
    expect((await get('/api/capital/portfolios', { cookie: fresh })).status).toBe(200);
    expect(server.apiToken.current()).toBe(readFileSync(join(server.dataDir, 'api-token'), 'utf8').trim());
    expect((await get('/api/capital/portfolios', bearer(server.apiToken.current()))).status).toBe(200);
  });
});

describe('which MetaTrader terminal /api/mt5/connect may start', () => {
  let mt5: TestServer;
  let root: string;
  let marker: string;
  let allowedExe: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'echo-mt5-allow-'));
    temp.push(root);
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    // Bridge on any free port; the launcher behaves as on Windows, with Common\Files under this APPDATA.
    writeFileSync(join(dataDir, 'mt5-bridge.json'), JSON.stringify({ port: 0 }));
    // The "terminal": a script named terminal64.exe that records how it was started.
    marker = join(root, 'launched.txt');
    allowedExe = join(root, 'MetaTrader 5', 'terminal64.exe');
    mkdirSync(join(root, 'MetaTrader 5'));
    writeFileSync(allowedExe, `#!/bin/sh\necho "$@" > "${marker}"\n`);
    chmodSync(allowedExe, 0o755);
    // Users sign in with JWTs whose key lives in the keychain: a memory store here.
    mt5 = await startTestServer({ dataDir, context: { secrets: new MemorySecretStore(), mt5: { platform: 'win32', env: { APPDATA: join(root, 'AppData') } } } });
  });
  afterAll(async () => mt5?.stop());

  const connect = (terminalPath: string) =>
    mt5.call('POST', '/api/mt5/connect', { login: 12345678, server: 'MetaQuotes-Demo', terminal_path: terminalPath });

  it.skipIf(process.platform === 'win32')('refuses an arbitrary terminal_path with a 403 that says how to allow it, and starts nothing', async () => {
    for (const path of ['/bin/sh', allowedExe]) {
      const res = await connect(path);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ success: false, code: 'FORBIDDEN', error: expect.stringContaining('PUT /api/mt5/terminals') });
    }
    expect(existsSync(marker)).toBe(false);
    expect((await mt5.call('GET', '/api/mt5/status')).body.data.bridge.listening).toBe(false);
  });

  it('takes only terminal64.exe paths on the allow-list', async () => {
    const res = await mt5.call('PUT', '/api/mt5/terminals', { allowed: ['/bin/sh'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', error: expect.stringContaining('terminal64.exe') });
  });

  it('lets only the owner (the local token, the app) set the allow-list or rotate the token: an admin user gets a 403', async () => {
    const created = await mt5.call('POST', '/api/identity/users', { username: 'ada_admin', email: 'ada@example.com', password: 'Admin-Pass-123', role: 'admin' });
    expect(created.status).toBe(201);
    const login = await fetch(`${mt5.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada_admin', password: 'Admin-Pass-123' }),
    });
    const loggedIn = (await login.json()) as { access_token: string };
    expect(loggedIn).toMatchObject({ access_token: expect.any(String) });
    const adminToken = loggedIn.access_token;
    const asAdmin = { authorization: `Bearer ${adminToken}` };
    expect((await mt5.call('GET', '/api/mt5/terminals', undefined, asAdmin)).status).toBe(200);
    const allow = await mt5.call('PUT', '/api/mt5/terminals', { allowed: [allowedExe] }, asAdmin);
    expect(allow.status).toBe(403);
    expect(allow.body).toMatchObject({ code: 'FORBIDDEN', error: expect.stringContaining('Only the desktop owner') });
    const tokenBefore = mt5.apiToken.current();
    expect((await mt5.call('POST', '/api/token/rotate', {}, asAdmin)).status).toBe(403);
    expect(mt5.apiToken.current()).toBe(tokenBefore);
  });

  it.skipIf(process.platform === 'win32')('starts an allow-listed terminal64.exe', async () => {
    const allowed = await mt5.call('PUT', '/api/mt5/terminals', { allowed: [allowedExe] });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data).toEqual({ can_launch: true, found: [], allowed: [allowedExe] });
    expect((await mt5.call('GET', '/api/mt5/terminals')).body.data.allowed).toEqual([allowedExe]);
    const res = await connect(allowedExe);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ launched: true });
    const deadline = Date.now() + 5_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(marker, 'utf8')).toMatch(/^\/config:.*\.ini/);
    // Another path is still refused.
    expect((await connect(join(root, 'other', 'terminal64.exe'))).status).toBe(403);
  });
});
