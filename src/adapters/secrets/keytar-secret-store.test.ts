import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../shared/contract/errors';
import { maskSecret, redactSecrets } from '../../core/ports/secret-store';
import { KeytarSecretStore, type KeytarApi } from './keytar-secret-store';

/** An in-process stand-in for keytar: the real keychain is exercised by the keychain suite (npm run test:keychain). */
function fakeKeytar(): KeytarApi & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (service, account) => entries.get(`${service}|${account}`) ?? null,
    setPassword: async (service, account, password) => void entries.set(`${service}|${account}`, password),
    deletePassword: async (service, account) => entries.delete(`${service}|${account}`),
  };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDomainError(error)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('KeytarSecretStore', () => {
  it('files secrets under "Echo Workstation" / account:<id>:<field>', async () => {
    const keytar = fakeKeytar();
    const store = new KeytarSecretStore({ load: async () => keytar });
    await store.set('a1', 'api_secret', 'topsecret-value-1234');
    expect([...keytar.entries.keys()]).toEqual(['Echo Workstation|account:a1:api_secret']);
    expect(await store.get('a1', 'api_secret')).toBe('topsecret-value-1234');
    expect(await store.get('a1', 'passphrase')).toBeUndefined();
    expect(await store.delete('a1', 'api_secret')).toBe(true);
    expect(await store.get('a1', 'api_secret')).toBeUndefined();
    expect((await store.status()).available).toBe(true);
  });

  it('refuses with KEYCHAIN_UNAVAILABLE when keytar cannot be loaded, and never stores elsewhere', async () => {
    const store = new KeytarSecretStore({ platform: 'linux', load: async () => Promise.reject(new Error('Cannot find module keytar.node')) });
    const error = await refusal(store.set('a1', 'api_key', 'k'.repeat(20)));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/not installed or not built.*never in plain text/);
    expect((await store.status()).available).toBe(false);
  });

  it('refuses with KEYCHAIN_UNAVAILABLE when the Secret Service is not running, with what to do', async () => {
    const secret = 'my-very-secret-api-secret';
    const failing: KeytarApi = {
      getPassword: async () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
      // A keychain that echoes the value in its error must not leak it into ours.
      setPassword: async (_s, _a, password) => Promise.reject(new Error(`refused ${password}`)),
      deletePassword: async () => Promise.reject(new Error('Object does not exist at path /org/freedesktop/secrets/collection/login')),
    };
    const store = new KeytarSecretStore({ platform: 'linux', load: async () => failing });
    const set = await refusal(store.set('a1', 'api_secret', secret));
    expect(set.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(set.message).not.toContain(secret);
    expect(set.message).toContain('never stores credentials in plain text');
    const get = await refusal(store.get('a1', 'api_secret'));
    expect(get.message).toMatch(/Secret Service.*Cannot autolaunch D-Bus.*gnome-keyring-daemon/);
    expect((await refusal(store.delete('a1', 'api_secret'))).code).toBe('KEYCHAIN_UNAVAILABLE');
    const status = await store.status();
    expect(status.available).toBe(false);
    expect(status.detail).toContain('Cannot autolaunch D-Bus');
  });
});

describe('masking and redaction', () => {
  it('shows at most the last four characters of long secrets', () => {
    expect(maskSecret('abcdefghijklmnop3f9a')).toBe('••••3f9a');
    expect(maskSecret('short-pass')).toBe('••••');
    expect(maskSecret('')).toBe('••••');
  });

  it('removes secrets and their URL-encoded forms from texts', () => {
    const secret = 'a+b/c=d secret';
    const text = `GET https://x/?k=${encodeURIComponent(secret)} failed for ${secret}`;
    const out = redactSecrets(text, [secret, undefined]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).toBe('GET https://x/?k=•••• failed for ••••');
  });
});
