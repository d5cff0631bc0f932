import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../src/core/ports/secret-store';
import { startHeadless, type HeadlessInstance } from '../../src/server/headless';
import { FakeMt5Terminal } from '../kit/fake-mt5-terminal';

/**
 * /api/mt5/... over HTTP against a real headless server, with the fake terminal connecting to the app's bridge over
 * real TCP: what the status says at each stage, the clear 409 without a terminal, and that the password never shows.
 */
const PASSWORD = 'hunter2-Secret!';

let dataDir: string;
let server: HeadlessInstance;
let fake: FakeMt5Terminal | undefined;
const answers: unknown[] = [];

/** The OS keychain, in memory: tests never write to the developer's real keychain. */
const keychain = new Map<string, string>();
const secrets: SecretStore = {
  set: async (id, field, value) => void keychain.set(`${id}:${field}`, value),
  get: async (id, field) => keychain.get(`${id}:${field}`),
  delete: async (id, field) => keychain.delete(`${id}:${field}`),
  status: async () => ({ available: true, detail: 'in-memory test keychain' }),
};

const startServer = () => startHeadless({ port: 0, dataDir, context: { secrets } });

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const parsed = { status: res.status, body: (await res.json()) as any };
  answers.push(parsed.body);
  return parsed;
}
const status = async () => (await call('GET', '/api/mt5/status')).body.data;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'echo-mt5-api-'));
  // Any free port, and fast heartbeats so dead links show within a test.
  writeFileSync(join(dataDir, 'mt5-bridge.json'), JSON.stringify({ port: 0, heartbeat_ms: 50, stale_after_ms: 500 }));
  server = await startServer();
});

afterAll(async () => {
  fake?.disconnect();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('/api/mt5 over HTTP', () => {
  let port: number;
  let token: string;

  it('before connect: the bridge is stopped, the status says what to do, symbols and account are a clear 409', async () => {
    const s = await status();
    expect(s).toMatchObject({ state: 'bridge_stopped', connected: false, link: 'down', terminal: 'never_connected', broker: 'unknown', bridge: { listening: false } });
    expect(s.setup_hint).toMatch(/POST \/api\/mt5\/connect/);
    for (const path of ['/api/mt5/symbols', '/api/mt5/account-info']) {
      const res = await call('GET', path);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, code: 'TERMINAL_NOT_CONNECTED' });
      expect(res.body.error).toMatch(/^No MetaTrader terminal is connected: attach EchoBridge to a chart \(see README/);
    }
  });

  it('refuses bad input with a 400 a person can act on', async () => {
    const res = await call('POST', '/api/mt5/connect', { login: 'my account', password: 'x', server: 'MetaQuotes-Demo' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/login must be your MetaTrader account number/);
    const missing = await call('POST', '/api/mt5/connect', { login: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/server/);
  });

  it('connect (spec step 5) opens the bridge and waits for the terminal; the token file is owner-only', async () => {
    const session = await call('POST', '/api/session/create', { user_id: 'mt5_trader' });
    const sessionId = session.body.data.session_id as string;
    const res = await call('POST', '/api/mt5/connect', { login: 12345678, password: PASSWORD, server: 'Echo-Demo', session_id: sessionId });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, data: { state: 'waiting_for_terminal', launched: false, session_id: sessionId, bridge: { listening: true, host: '127.0.0.1' } } });
    expect(res.body.message).toMatch(/MT5 bridge ready: Listening on 127\.0\.0\.1:\d+/);
    // The password goes to the keychain, nowhere else.
    expect(res.body.data).toMatchObject({ password_stored: true, warnings: [] });
    expect([...keychain.entries()]).toEqual([['mt5:Echo-Demo:12345678:passphrase', PASSWORD]]);
    expect(res.body.data.setup_hint).toMatch(/Allow WebRequest for listed URL/);
    port = res.body.data.bridge.port;
    expect(port).toBeGreaterThan(0);
    const tokenFile = res.body.data.bridge.token_file as string;
    if (process.platform !== 'win32') expect(statSync(tokenFile).mode & 0o077).toBe(0);
    token = readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const unknown = await call('POST', '/api/mt5/connect', { login: 1, server: 'X', session_id: 'no-such-session' });
    expect(unknown.status).toBe(404);
  });

  it('a wrong token is refused and shown in the status', async () => {
    const intruder = new FakeMt5Terminal({ port, token: 'not-the-token' });
    await expect(intruder.connect()).rejects.toThrow(/wrong token/);
    intruder.disconnect();
    const s = await status();
    expect(s).toMatchObject({ state: 'waiting_for_terminal', counters: { denied: 1 } });
    expect(s.last_denied.reason).toMatch(/wrong token/);
  });

  it('the terminal connects: connected, with account, symbols and heartbeats', async () => {
    fake = new FakeMt5Terminal({ port, token });
    await fake.connect();
    await untilStatus((s) => s.state === 'connected');
    const s = await status();
    expect(s).toMatchObject({
      connected: true,
      link: 'up',
      terminal: 'connected',
      broker: 'connected',
      synchronized: true,
      account: { login: '12345678', server: 'Echo-Demo', currency: 'USD' },
      ea: { version: 'fake-1.0', terminal_build: 4620 },
      open_positions: 0,
      setup_hint: null,
    });
    expect(s.heartbeat_age_ms).toBeLessThan(500);
    const symbols = await call('GET', '/api/mt5/symbols');
    expect(symbols.status).toBe(200);
    expect(symbols.body.data.symbols).toContainEqual(
      expect.objectContaining({ symbol: 'EURUSD', digits: 5, point: 0.00001, contract_size: 100_000, volume_min: 0.01, volume_step: 0.01, volume_max: 100 }),
    );
    const account = await call('GET', '/api/mt5/account-info');
    expect(account.body).toMatchObject({ success: true, data: { login: '12345678', balance: 10_000, currency: 'USD', trade_mode: 'demo' } });
    // Connect again while connected: nothing to launch, same terminal.
    const again = await call('POST', '/api/mt5/connect', { login: 12345678, server: 'Echo-Demo' });
    expect(again.body.data).toMatchObject({ state: 'connected', warnings: [] });
    const other = await call('POST', '/api/mt5/connect', { login: 999, server: 'Other-Live' });
    expect(other.body.data.warnings.join(' ')).toMatch(/logged in to 12345678 on Echo-Demo, not 999 on Other-Live/);
  });

  it("the terminal's broker connection drops while the link stays up: broker_disconnected", async () => {
    fake?.setBrokerConnected(false);
    const s = await untilStatus((x) => x.state === 'broker_disconnected');
    expect(s).toMatchObject({ connected: false, link: 'up', terminal: 'connected', broker: 'disconnected' });
    expect(s.detail).toMatch(/lost its connection to the trade server/);
    fake?.setBrokerConnected(true);
    await untilStatus((x) => x.state === 'connected');
  });

  it('a stale heartbeat: link_lost with the reason; the EA reconnects: connected again', async () => {
    fake?.goSilent();
    const s = await untilStatus((x) => x.state === 'link_lost');
    expect(s).toMatchObject({ connected: false, link: 'down', terminal: 'disconnected', broker: 'unknown' });
    expect(s.last_disconnect.reason).toMatch(/no heartbeat for .* s/);
    expect(s.detail).toMatch(/waiting for EchoBridge to reconnect/);
    expect(s.setup_hint).toMatch(/Algo Trading/);
    const symbols = await call('GET', '/api/mt5/symbols');
    expect(symbols.status).toBe(409);
    await fake?.connect();
    const back = await untilStatus((x) => x.state === 'connected');
    expect(back.counters.connections).toBe(2);
  });

  it('a half-open socket is detected the same way', async () => {
    fake?.goHalfOpen();
    await untilStatus((x) => x.state === 'link_lost');
    await fake?.connect();
    await untilStatus((x) => x.state === 'connected');
  });

  it('disconnect closes the link with a bye and stops the bridge; positions stay at the broker', async () => {
    fake?.openManual('EURUSD', 'buy', 0.1);
    await untilStatus((x) => x.open_positions === 1);
    const bye = fake?.waitFor((m) => m.type === 'bye', 2_000);
    const res = await call('POST', '/api/mt5/disconnect', {});
    expect(res.body).toMatchObject({ success: true, data: { state: 'bridge_stopped', was_connected: true, open_positions_at_broker: 1, bridge: { listening: false } } });
    expect(res.body.message).toMatch(/1 position\(s\) stay open at the broker/);
    await bye;
    const settings = JSON.parse(readFileSync(join(dataDir, 'mt5-bridge.json'), 'utf8'));
    expect(settings).toMatchObject({ auto_start: false, login: '999', server: 'Other-Live' });
  });

  it('after a restart the bridge listens again when the last connect asked for it (and not after a disconnect)', async () => {
    await server.close();
    server = await startServer();
    expect((await status()).state).toBe('bridge_stopped');
    await call('POST', '/api/mt5/connect', { login: 12345678, server: 'Echo-Demo' });
    await server.close();
    server = await startServer();
    const s = await status();
    expect(s).toMatchObject({ state: 'waiting_for_terminal', bridge: { listening: true } });
    fake = new FakeMt5Terminal({ port: s.bridge.port, token });
    await fake.connect();
    await untilStatus((x) => x.state === 'connected');
  });

  it('never shows the password: not in any answer, the settings, the data directory or the log', async () => {
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(PASSWORD);
    const files = readdirSync(dataDir, { recursive: true }) as string[];
    for (const file of files) {
      const path = join(dataDir, file);
      if (!statSync(path).isFile()) continue;
      expect(readFileSync(path).includes(PASSWORD), path).toBe(false);
    }
  });
});

async function untilStatus(check: (s: any) => boolean, timeoutMs = 3_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status();
    if (check(s)) return s;
    if (Date.now() > deadline) throw new Error(`status did not reach the expected state; last: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
