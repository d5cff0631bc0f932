import { secretAccountName, type KeychainStatus, type SecretField, type SecretStore } from '../../../src/core/ports/secret-store';

/**
 * A SecretStore in test memory, for tests of the exchange adapter that are not about the keychain. The app never
 * uses one: it has no fallback from the OS keychain (see the keychain suite, npm run test:keychain).
 */
export class MemorySecretStore implements SecretStore {
  readonly entries = new Map<string, string>();

  async set(accountId: string, field: SecretField, value: string): Promise<void> {
    this.entries.set(secretAccountName(accountId, field), value);
  }

  async get(accountId: string, field: SecretField): Promise<string | undefined> {
    return this.entries.get(secretAccountName(accountId, field));
  }

  async delete(accountId: string, field: SecretField): Promise<boolean> {
    return this.entries.delete(secretAccountName(accountId, field));
  }

  async status(): Promise<KeychainStatus> {
    return { available: true, detail: 'test memory' };
  }
}
