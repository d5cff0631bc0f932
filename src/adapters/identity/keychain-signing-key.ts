import { randomBytes } from 'node:crypto';
import type { SigningKeyStore } from '../../core/ports/identity';
import type { SecretStore } from '../../core/ports/secret-store';

/** The keychain entry of the per-install JWT signing key (service "Echo Workstation", account `account:identity:api_secret`). */
export const SIGNING_KEY_ACCOUNT = 'identity';

/**
 * The access-token signing key: 32 random bytes made on first use and kept in the OS keychain, never in SQLite or a
 * file. Read once per process. Without a keychain the store's KEYCHAIN_UNAVAILABLE refusal reaches the caller (sign-in
 * of users is then unavailable; the owner's local token still works).
 */
export function keychainSigningKey(secrets: Pick<SecretStore, 'get' | 'set'>): SigningKeyStore {
  let key: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    const stored = await secrets.get(SIGNING_KEY_ACCOUNT, 'api_secret');
    if (stored) return new Uint8Array(Buffer.from(stored, 'base64url'));
    const fresh = randomBytes(32);
    await secrets.set(SIGNING_KEY_ACCOUNT, 'api_secret', fresh.toString('base64url'));
    return new Uint8Array(fresh);
  };
  return {
    signingKey() {
      key ??= load().catch((error: unknown) => {
        key = undefined;
        throw error;
      });
      return key;
    },
  };
}
