import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import keytar from '@github/keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore, SECRET_SERVICE_NAME } from '../../src/adapters/secrets/keytar-secret-store';
import { isDomainError } from '../../src/shared/contract/errors';
import { BinanceSpotEmulator } from '../kit/exchange-emulator/binance-spot-emulator';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * Exchange credentials in the real OS keychain. On Linux this runs against gnome-keyring's Secret Service in a private
 * D-Bus session with a fresh HOME (npm test starts them; see scripts/test.mjs), under the app's own service name
 * "Echo Workstation". On macOS/Windows it uses the login keychain / Credential Manager under a test service name and
 * removes what it wrote.
 */

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const SERVICE = process.platform === 'linux' ? SECRET_SERVICE_NAME : `${SECRET_SERVICE_NAME} (test ${process.pid})`;
const KEY = 'KcH41nK3yAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmn3f9a';
const SECRET = 'KcH41nS3cr3tZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxwvutsrq77e2';
const NEW_KEY = 'R0t4t3dK3yQwErTyUiOpAsDfGhJkLzXcVbNm0987654321qwertyuiopas51d0';
const NEW_SECRET = 'R0t4t3dS3cr3tMnBvCxZlKjHgFdSaPoIuYtReWq1234567890mnbvcxzlk8b4c';
const PASSPHRASE = 'correct horse battery staple';
const SECRETS = [KEY, SECRET, NEW_KEY, NEW_SECRET, PASSPHRASE];

const store = new KeytarSecretStore({ service: SERVICE });

beforeAll(async () => {
  const status = await store.status();
  if (!status.available) {
    throw new Error(
      `The keychain suite needs a running, unlocked OS keychain and found none: ${status.detail}\n` +
        (process.platform === 'linux'
          ? "Run it through `npm test` (which starts gnome-keyring-daemon in a private D-Bus session), or:\n" +
            "  HOME=$(mktemp -d) dbus-run-session -- sh -c 'printf %s pw | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null; npm run test:keychain'"
          : ''),
    );
  }
});

afterAll(async () => {
  // Leave nothing behind in a real keychain.
  const left = await keytar.findCredentials(SERVICE).catch(() => []);
  for (const { account } of left) await keytar.deletePassword(SERVICE, account);
});

describe('SecretStore on the OS keychain (keytar)', () => {
  it('stores, reads, updates and deletes a secret under "account:<id>:<field>"', async () => {
    await store.set('acc-1', 'api_secret', SECRET);
    expect(await store.get('acc-1', 'api_secret')).toBe(SECRET);
    expect(await keytar.getPassword(SERVICE, 'account:acc-1:api_secret')).toBe(SECRET);
    await store.set('acc-1', 'api_secret', NEW_SECRET);
    expect(await store.get('acc-1', 'api_secret')).toBe(NEW_SECRET);
    expect((await keytar.findCredentials(SERVICE)).filter((c) => c.account === 'account:acc-1:api_secret')).toHaveLength(1);
    expect(await store.delete('acc-1', 'api_secret')).toBe(true);
    expect(await store.get('acc-1', 'api_secret')).toBeUndefined();
    expect(await store.delete('acc-1', 'api_secret')).toBe(false);
  });

  it.runIf(process.platform === 'linux')('says KEYCHAIN_UNAVAILABLE clearly when no Secret Service is reachable', () => {
    // A process whose D-Bus session bus does not exist: what a desktop without a keyring looks like.
    const script = `
      import { KeytarSecretStore } from './src/adapters/secrets/keytar-secret-store.ts';
      const store = new KeytarSecretStore({ service: 'Echo Workstation (unavailable test)' });
      try { await store.set('x', 'api_key', 'never-stored-anywhere-1234'); console.log(JSON.stringify({ stored: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/echo-no-bus', DISPLAY: '' },
      timeout: 20_000,
    });
    const answer = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { code?: string; message?: string };
    expect(answer.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(answer.message).toMatch(/No OS keychain is available.*never stores credentials in plain text.*Secret Service/);
    expect(answer.message).not.toContain('never-stored-anywhere-1234');
  });
});

describe('Accounts API with the OS keychain', () => {
  let emulator: BinanceSpotEmulator;
  let server: TestServer;
  const answers: string[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await server.call(method, path, body);
    answers.push(JSON.stringify(res.body));
    return res;
  };

  beforeAll(async () => {
    process.env.ECHO_LOG_LEVEL = 'debug';
    emulator = new BinanceSpotEmulator({ apiKey: KEY, secret: SECRET, prices: { BTCUSDT: 30_000, ETHUSDT: 2_000, ETHBTC: 0.0667 } });
    await emulator.start();
    server = await startTestServer({
      context: {
        ...(process.platform === 'linux' ? {} : { secrets: store }),
        exchanges: { apiOrigin: emulator.url, timeoutMs: 3_000 },
      },
    });
  });

  afterAll(async () => {
    delete process.env.ECHO_LOG_LEVEL;
    await server?.stop();
    await emulator?.stop();
  });

  it('keeps credentials in the keychain through create, sync, update and delete, and nowhere else', async () => {
    const created = await call('POST', '/api/v1/accounts/create', { exchange: 'binance', api_key: KEY, api_secret: SECRET, passphrase: PASSPHRASE, initial_balance: 1_000 });
    expect(created.status).toBe(200);
    const id = created.body.account_id as string;
    expect(await keytar.getPassword(SERVICE, `account:${id}:api_key`)).toBe(KEY);
    expect(await keytar.getPassword(SERVICE, `account:${id}:api_secret`)).toBe(SECRET);
    expect(await keytar.getPassword(SERVICE, `account:${id}:passphrase`)).toBe(PASSPHRASE);

    // Read back from the keychain to sign: the emulator checks the HMAC with the secret.
    const synced = await call('POST', `/api/v1/accounts/${id}/sync-balance`);
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({ success: true, balance: 10_000 });

    emulator.setCredentials(NEW_KEY, NEW_SECRET);
    expect((await call('POST', `/api/v1/accounts/${id}/update-credentials`, { api_key: NEW_KEY, api_secret: NEW_SECRET })).body).toEqual({ success: true });
    expect(await keytar.getPassword(SERVICE, `account:${id}:api_secret`)).toBe(NEW_SECRET);
    expect(await keytar.getPassword(SERVICE, `account:${id}:passphrase`)).toBeNull();
    expect((await call('POST', `/api/v1/accounts/${id}/sync-balance`)).status).toBe(200);

    const shown = (await call('GET', `/api/v1/accounts/${id}`)).body.account.account_info;
    expect(shown).toMatchObject({ api_key_hint: '••••51d0', api_secret_hint: '••••8b4c', passphrase_hint: null });

    expect((await call('DELETE', `/api/v1/accounts/${id}`)).body).toEqual({ success: true });
    const left = (await keytar.findCredentials(SERVICE)).filter((c) => c.account.startsWith(`account:${id}:`));
    expect(left).toEqual([]);

    // Nowhere else: not in any answer, the SQLite file and its WAL, or the log.
    const everything = answers.join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    await new Promise((r) => setTimeout(r, 300));
    const files = [
      ...readdirSync(server.dataDir).filter((f) => f.startsWith('echo.sqlite')).map((f) => join(server.dataDir, f)),
      join(server.dataDir, 'logs', 'echo.log'),
    ].filter((f) => existsSync(f));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    expect(files.some((f) => f.endsWith('echo.log'))).toBe(true);
    expect(readFileSync(join(server.dataDir, 'logs', 'echo.log'), 'utf8')).toContain('exchange account created');
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of SECRETS) expect(bytes.includes(Buffer.from(secret)), `a credential in ${file}`).toBe(false);
    }
  });

  it('tells a missing keychain apart from a missing account', async () => {
    const missing = await call('POST', '/api/v1/accounts/no-such/sync-balance');
    expect(missing.status).toBe(404);
    const error = await store.get('no-such', 'api_key').catch((e: unknown) => e);
    expect(isDomainError(error)).toBe(false);
  });
});
