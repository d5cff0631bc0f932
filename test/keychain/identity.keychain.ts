import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from '@github/keytar';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_SERVICE_NAME } from '../../src/adapters/secrets/keytar-secret-store';
import { secretAccountName } from '../../src/core/ports/secret-store';
import { SIGNING_KEY_ACCOUNT } from '../../src/adapters/identity/keychain-signing-key';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The access-token signing key in the real OS keychain (Linux: gnome-keyring in a private D-Bus session, see
 * scripts/test.mjs): made on the first sign-in, kept across restarts, never in the data folder.
 */
const ENTRY = secretAccountName(SIGNING_KEY_ACCOUNT, 'api_secret');
let server: TestServer | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'echo-identity-keychain-'));

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (process.platform !== 'linux') await keytar.deletePassword(SECRET_SERVICE_NAME, ENTRY);
});

describe('identity signing key in the OS keychain', () => {
  it('signs tokens with a keychain key that survives a restart and never touches the data folder', async () => {
    server = await startTestServer({ dataDir });
    const json = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await fetch(`${server!.url}${path}`, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    expect((await json('POST', '/api/auth/register', { username: 'kc_user', email: 'kc@example.com', password: 'keychain-pass' })).status).toBe(201);
    const login = await json('POST', '/api/v1/auth/login', { username: 'kc_user', password: 'keychain-pass' });
    expect(login.status).toBe(200);
    const stored = await keytar.getPassword(SECRET_SERVICE_NAME, ENTRY);
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A restart on the same data folder reads the same key: the token still verifies.
    await server.stop();
    server = await startTestServer({ dataDir });
    const me = await json('GET', '/api/v1/auth/me', undefined, login.body.access_token);
    expect(me.body, JSON.stringify(me.body)).toMatchObject({ username: 'kc_user' });

    // Nowhere in the data folder (SQLite file, WAL, logs).
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const file of files) expect(readFileSync(join(file.parentPath, file.name)).includes(Buffer.from(stored!))).toBe(false);
  });
});
