/**
 * Where broker secrets live: the OS keychain only (Windows Credential Manager, macOS Keychain, the Secret Service on
 * Linux). Nothing else in the app ever holds a secret at rest: SQLite keeps masked hints, logs and API answers show
 * hints, error messages are scrubbed. With no keychain, every call fails with KEYCHAIN_UNAVAILABLE; there is no
 * plaintext fallback.
 */

export const SECRET_FIELDS = ['api_key', 'api_secret', 'passphrase'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

export interface KeychainStatus {
  available: boolean;
  /** Which keychain (or why there is none), in words. */
  detail: string;
}

export interface SecretStore {
  /** Stores (or replaces) one secret of an account. Throws DomainError KEYCHAIN_UNAVAILABLE without a keychain. */
  set(accountId: string, field: SecretField, value: string): Promise<void>;
  /** The stored secret, or undefined when none is stored. Throws KEYCHAIN_UNAVAILABLE without a keychain. */
  get(accountId: string, field: SecretField): Promise<string | undefined>;
  /** Removes one secret; true when one was stored. Throws KEYCHAIN_UNAVAILABLE without a keychain. */
  delete(accountId: string, field: SecretField): Promise<boolean>;
  /** Never throws. */
  status(): Promise<KeychainStatus>;
}

/** The keychain entry of one secret: service "Echo Workstation", account `account:<id>:<field>`. */
export const secretAccountName = (accountId: string, field: SecretField): string => `account:${accountId}:${field}`;

const MASK = '••••';

/**
 * What may be shown of a secret: `••••3f9a`. The last four characters only for values long enough that four of them
 * say little (16+: API keys and secrets); shorter values (passphrases) show the mask alone.
 */
export function maskSecret(value: string): string {
  return value.length >= 16 ? `${MASK}${value.slice(-4)}` : MASK;
}

/**
 * Replaces every occurrence of the given secrets (and their URL-encoded forms) in a text with a mask. Used on every
 * message that leaves an exchange adapter: some exchanges echo a key in an error, and request URLs carry signatures.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}
