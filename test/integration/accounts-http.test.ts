import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../src/adapters/secrets/keytar-secret-store';
import { createSqliteAccountRepository } from '../../src/adapters/persistence/sqlite/account-repository';
import { systemClock } from '../../src/core/ports/clock';
import { BinanceSpotEmulator } from '../kit/exchange-emulator/binance-spot-emulator';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The Accounts API (/api/v1/accounts) end to end over HTTP against a real headless server, its ccxt instances pointed at
 * the local Binance spot emulator. The secret store is an in-memory stand-in here (the real OS keychain is the keychain
 * suite's job); what matters is that no credential ever comes back, in any answer, error or stored file.
 */

const KEY = 'q2Vb8sYpLxN3wTfZ7uKjR4hGcD1eM9aS6oIiP0lBnQvXyW5tE8rU2zA7cF3f9a';
const SECRET = 'Zr7Yq1Xw3Vu5Ts7Rq9Po2Nm4Lk6Ji8Hg0Fe2Dc4Ba6Zy8Xw0Vu2Ts4Rq6Po8Nm0L';
const NEW_KEY = 'N3wK3yAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqr77c1';
const NEW_SECRET = 'N3wS3cr3tZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxwvutsrqponmlkj';
const SECRETS = [KEY, SECRET, NEW_KEY, NEW_SECRET];

let emulator: BinanceSpotEmulator;
let server: TestServer;
const secrets = new MemorySecretStore();
const contacted: string[] = [];
/** Every answer's raw text, to check that no credential ever comes back. */
const answers: string[] = [];

async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const res = await server.call(method, path, body, headers);
  answers.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
  return res;
}

function expectTradingApplicationError(body: any, code: string) {
  expect(body).toMatchObject({ success: false, detail: expect.any(String), errors: expect.any(Object), code, request_id: expect.any(String) });
  expect(Number.isFinite(Date.parse(body.timestamp))).toBe(true);
}

beforeAll(async () => {
  emulator = new BinanceSpotEmulator({ apiKey: KEY, secret: SECRET, prices: { BTCUSDT: 30_000, ETHUSDT: 2_000, ETHBTC: 0.0667 }, balances: { USDT: 5_000, BTC: 0.1, ETH: 2 } });
  await emulator.start();
  server = await startTestServer({ context: { secrets, exchanges: { apiOrigin: emulator.url, timeoutMs: 3_000, onRequest: (url) => contacted.push(url) } } });
});

afterAll(async () => {
  await server?.stop();
  await emulator?.stop();
});

describe('Accounts API over HTTP', () => {
  let accountId = '';

  it('creates an account: the credentials go to the secret store, the answer is the documented one', async () => {
    const res = await call('POST', '/api/v1/accounts/create', { exchange: ' Binance ', api_key: KEY, api_secret: SECRET, initial_balance: 10_000, is_testnet: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, account_id: expect.any(String), message: 'Account created successfully' });
    accountId = res.body.account_id;
    expect(await secrets.get(accountId, 'api_key')).toBe(KEY);
    expect(await secrets.get(accountId, 'api_secret')).toBe(SECRET);
    expect(await secrets.get(accountId, 'passphrase')).toBeUndefined();
    // Created without contacting the exchange.
    expect(emulator.requests).toHaveLength(0);
  });

  it('refuses bad input in the trading-application error shape, with what to do', async () => {
    const typo = await call('POST', '/api/v1/accounts/create', { exchange: 'binanse', api_key: KEY, api_secret: SECRET });
    expect(typo.status).toBe(400);
    expectTradingApplicationError(typo.body, 'VALIDATION_FAILED');
    expect(typo.body.detail).toMatch(/exchange "binanse" is not one of the \d+ exchanges ccxt supports; did you mean "binance"/);
    expect(Object.keys(typo.body.errors)).toEqual(['exchange']);

    const missing = await call('POST', '/api/v1/accounts/create', { exchange: 'binance' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toMatchObject({ api_key: expect.stringContaining('api_key is required'), api_secret: expect.stringContaining('api_secret is required') });

    const testnet = await call('POST', '/api/v1/accounts/create', { exchange: 'kraken', api_key: KEY, api_secret: SECRET, is_testnet: true });
    expect(testnet.status).toBe(400);
    expect(testnet.body.errors.is_testnet).toMatch(/Kraken has no testnet\/sandbox in ccxt/);

    const passphrase = await call('POST', '/api/v1/accounts/create', { exchange: 'okx', api_key: KEY, api_secret: SECRET });
    expect(passphrase.body.errors.passphrase).toMatch(/OKX needs the API passphrase/);

    const unknownField = await call('POST', '/api/v1/accounts/create', { exchange: 'binance', api_key: KEY, api_secret: SECRET, apikey: 'x' });
    expect(unknownField.body.detail).toMatch(/unknown field\(s\) "apikey"/);

    // Errors raised before any handler runs use the same shape under /api/v1.
    const noRoute = await call('GET', '/api/v1/accounts/does/not/exist');
    expect(noRoute.status).toBe(404);
    expectTradingApplicationError(noRoute.body, 'NOT_FOUND');
    const badJson = await call('POST', '/api/v1/accounts/create', '{"exchange": ', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expectTradingApplicationError(badJson.body, 'VALIDATION_FAILED');
    const res = await fetch(`${server.url}/api/v1/accounts/list`);
    expect(res.status).toBe(401);
    expectTradingApplicationError(await res.json(), 'UNAUTHORIZED');
    // Other documents keep their own envelope.
    const forex = await call('GET', '/api/nothing-here');
    expect(forex.body).toMatchObject({ success: false, error: expect.any(String) });
  });

  it('shows masked hints only, with settings, references and connection status', async () => {
    const res = await call('GET', `/api/v1/accounts/${accountId}`);
    expect(res.status).toBe(200);
    const { account, performance, references, ws_status } = res.body;
    expect(account.account_info).toMatchObject({
      account_id: accountId,
      exchange: 'binance',
      exchange_name: 'Binance',
      is_testnet: false,
      group_id: null,
      broker_id: `ccxt:${accountId}`,
      api_key_hint: `••••${KEY.slice(-4)}`,
      api_secret_hint: `••••${SECRET.slice(-4)}`,
      passphrase_hint: null,
      initial_balance: 10_000,
      balance: null,
    });
    expect(account.settings).toMatchObject({ exchange: 'binance', sandbox_supported: true, credentials_storage: 'os-keychain', rate_limiter: 'per-account' });
    expect(account.balances).toEqual({});
    expect(account.positions).toEqual({});
    expect(performance).toMatchObject({ trades: 0, balance: null, total_return: null });
    expect(references).toEqual([{ type: 'broker', id: `ccxt:${accountId}`, name: 'Binance' }]);
    expect(ws_status).toMatchObject({ connected: false, link: 'down', mode: 'polling' });
    expect((await call('GET', '/api/v1/accounts/not-an-account')).status).toBe(404);
  });

  it('syncs the balance from the exchange and keeps it', async () => {
    const res = await call('POST', `/api/v1/accounts/${accountId}/sync-balance`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, balance: 5_000, equity: 5_000 + 0.1 * 30_000 + 2 * 2_000, currency: 'USDT' });
    const got = (await call('GET', `/api/v1/accounts/${accountId}`)).body;
    expect(got.account.balances.BTC).toEqual({ free: 0.1, used: 0, total: 0.1, value: 3_000 });
    expect(got.account.account_info).toMatchObject({ balance: 5_000, equity: 12_000, valuation_currency: 'USDT' });
    expect(got.ws_status).toMatchObject({ connected: true, link: 'up', broker: 'connected', last_heartbeat: expect.any(String) });
    expect(got.performance).toMatchObject({ equity: 12_000, total_return: 2_000, total_return_pct: 20, balance_snapshots: 1, max_drawdown_pct: 0 });
    expect(contacted.length).toBeGreaterThan(0);
    expect(contacted.every((url) => url.startsWith(`${emulator.url}/`))).toBe(true);
  });

  it('replaces credentials: refused by the exchange before, accepted after', async () => {
    emulator.setCredentials(NEW_KEY, NEW_SECRET);
    const before = await call('POST', `/api/v1/accounts/${accountId}/sync-balance`);
    expect(before.status).toBe(422);
    expectTradingApplicationError(before.body, 'EXCHANGE_AUTH_FAILED');
    expect(before.body.detail).toMatch(/Binance refused this account's API key .*Invalid API-key, IP, or permissions for action.*update-credentials/);

    const update = await call('POST', `/api/v1/accounts/${accountId}/update-credentials`, { api_key: NEW_KEY, api_secret: NEW_SECRET, passphrase: 'my passphrase' });
    expect(update.body).toEqual({ success: true });
    expect(await secrets.get(accountId, 'api_secret')).toBe(NEW_SECRET);
    const after = await call('POST', `/api/v1/accounts/${accountId}/sync-balance`);
    expect(after.status).toBe(200);
    const info = (await call('GET', `/api/v1/accounts/${accountId}`)).body.account.account_info;
    expect(info).toMatchObject({ api_key_hint: `••••${NEW_KEY.slice(-4)}`, api_secret_hint: `••••${NEW_SECRET.slice(-4)}`, passphrase_hint: '••••' });
    expect((await call('POST', '/api/v1/accounts/nope/update-credentials', { api_key: KEY, api_secret: SECRET })).status).toBe(404);
  });

  it('maps an exchange rate limit to 429 with a clear reason', async () => {
    emulator.failNext('GET', '/api/v3/account', { kind: 'rateLimit' });
    const res = await call('POST', `/api/v1/accounts/${accountId}/sync-balance`);
    expect(res.status).toBe(429);
    expectTradingApplicationError(res.body, 'RATE_LIMITED');
    expect(res.body.detail).toMatch(/Binance is rate-limiting this account/);
  });

  it('lists accounts with pagination', async () => {
    for (let i = 0; i < 2; i++) {
      await call('POST', '/api/v1/accounts/create', { exchange: 'kraken', api_key: `${KEY}${i}`, api_secret: `${SECRET}${i}` });
    }
    const all = await call('GET', '/api/v1/accounts/list');
    expect(all.body.pagination).toEqual({ total: 3, skip: 0, limit: 50 });
    expect(all.body.accounts.map((a: any) => a.account_info.exchange)).toEqual(['binance', 'kraken', 'kraken']);
    expect(all.body.accounts[0]).toMatchObject({ balances: { USDT: { total: 5_000 } }, positions: {}, performance: { equity: 12_000 }, references: expect.any(Array) });
    const page = await call('GET', '/api/v1/accounts/list?skip=1&limit=1');
    expect(page.body.pagination).toEqual({ total: 3, skip: 1, limit: 1 });
    expect(page.body.accounts).toHaveLength(1);
    const bad = await call('GET', '/api/v1/accounts/list?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.limit).toBe('limit must be at least 1');
  });

  it('reports performance over a time range', async () => {
    const res = await call('GET', `/api/v1/accounts/${accountId}/performance?start_date=2020-01-01&end_date=2100-12-31`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      account_id: accountId,
      time_range: { start_date: '2020-01-01T00:00:00.000Z', end_date: '2100-12-31T23:59:59.999Z' },
      metrics: { currency: 'USDT', initial_balance: 10_000, trades: 0, realized_pnl: 0, balance_snapshots: 2 },
    });
    const reversed = await call('GET', `/api/v1/accounts/${accountId}/performance?start_date=2025-02-27&end_date=2025-02-26`);
    expect(reversed.status).toBe(400);
    expect(reversed.body.detail).toMatch(/start_date .* is after end_date/);
    const malformed = await call('GET', `/api/v1/accounts/${accountId}/performance?start_date=yesterday`);
    expect(malformed.body.errors.start_date).toMatch(/must be a date such as "2025-02-26"/);
  });

  it('assigns a group that exists, refuses one that does not', async () => {
    const missing = await call('POST', `/api/v1/accounts/${accountId}/assign-group`, { group_id: 'no-such-group' });
    expect(missing.status).toBe(404);
    expectTradingApplicationError(missing.body, 'NOT_FOUND');
    expect(missing.body.detail).toMatch(/Group "no-such-group" does not exist/);
    // Groups have no API of their own yet: create one in the same database file, as the Groups API will.
    const db = new Database(join(server.dataDir, 'echo.sqlite'));
    const group = createSqliteAccountRepository(db, systemClock).createGroup('Majors', 'BTC and ETH books');
    db.close();
    expect((await call('POST', `/api/v1/accounts/${accountId}/assign-group`, { group_id: group.id })).body).toEqual({ success: true });
    const got = (await call('GET', `/api/v1/accounts/${accountId}`)).body;
    expect(got.account.account_info.group_id).toBe(group.id);
    expect(got.references).toContainEqual({ type: 'group', id: group.id, name: 'Majors' });
    expect((await call('POST', `/api/v1/accounts/${accountId}/assign-group`, { group_id: null })).body).toEqual({ success: true });
    expect((await call('POST', `/api/v1/accounts/${accountId}/assign-group`, {})).status).toBe(400);
  });

  it('deletes an account and its secrets', async () => {
    const res = await call('DELETE', `/api/v1/accounts/${accountId}`);
    expect(res.body).toEqual({ success: true });
    expect(await secrets.get(accountId, 'api_key')).toBeUndefined();
    expect(await secrets.get(accountId, 'api_secret')).toBeUndefined();
    expect(await secrets.get(accountId, 'passphrase')).toBeUndefined();
    expect((await call('GET', `/api/v1/accounts/${accountId}`)).status).toBe(404);
    expect((await call('DELETE', `/api/v1/accounts/${accountId}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/accounts/list')).body.pagination.total).toBe(2);
  });

  it('never shows a credential: not in any answer, the database file (with its WAL) or the log', async () => {
    const all = answers.join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the log is written asynchronously
    const files = ['echo.sqlite', 'echo.sqlite-wal', join('logs', 'echo.log')].map((f) => join(server.dataDir, f)).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of SECRETS) expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 6)}… in ${file}`).toBe(false);
    }
  });
});

describe('Accounts API without an OS keychain', () => {
  it('refuses to create an account with KEYCHAIN_UNAVAILABLE and stores nothing', async () => {
    const noKeychain = new KeytarSecretStore({ platform: 'linux', load: async () => Promise.reject(new Error('Cannot find module keytar.node')) });
    const other = await startTestServer({ context: { secrets: noKeychain, exchanges: { apiOrigin: emulator.url } } });
    try {
      const res = await other.call('POST', '/api/v1/accounts/create', { exchange: 'binance', api_key: KEY, api_secret: SECRET });
      expect(res.status).toBe(503);
      expectTradingApplicationError(res.body, 'KEYCHAIN_UNAVAILABLE');
      expect(res.body.detail).toMatch(/OS keychain cannot be used.*never in plain text/);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect((await other.call('GET', '/api/v1/accounts/list')).body.pagination.total).toBe(0);
      const bytes = readFileSync(join(other.dataDir, 'echo.sqlite'));
      expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    } finally {
      await other.stop();
    }
  });
});
