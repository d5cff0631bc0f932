import { DomainError } from '../../shared/contract/errors';
import {
  redactSecrets,
  secretAccountName,
  type KeychainStatus,
  type SecretField,
  type SecretStore,
} from '../../core/ports/secret-store';

/** The part of keytar (`@github/keytar`, the maintained fork) this store uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const SECRET_SERVICE_NAME = 'Echo Workstation';

export interface KeytarSecretStoreOptions {
  /** The keychain "service" the entries are filed under; "Echo Workstation" unless a test isolates itself. */
  service?: string;
  platform?: NodeJS.Platform;
  /** How keytar is loaded (tests inject a failing loader to check the "not installed" message). */
  load?: () => Promise<KeytarApi>;
}

const loadKeytar = async (): Promise<KeytarApi> => {
  const module = (await import('@github/keytar')) as KeytarApi & { default?: KeytarApi };
  return module.default && typeof module.default.getPassword === 'function' ? module.default : module;
};

function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'the Windows Credential Manager';
  return 'the Secret Service (GNOME Keyring, KWallet)';
}

function howToFix(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Unlock your login keychain (Keychain Access) and try again.';
  if (platform === 'win32') return 'Make sure the Credential Manager service is running and try again.';
  return 'Start and unlock a Secret Service in your desktop session (GNOME Keyring or KWallet; on a server: gnome-keyring-daemon inside a D-Bus session), then try again.';
}

/**
 * Exchange secrets in the OS keychain through keytar: service "Echo Workstation", account `account:<id>:<field>`.
 * Any failure of the keychain (keytar not installed, no Secret Service on the bus, a locked keychain) becomes one
 * clear KEYCHAIN_UNAVAILABLE refusal; nothing is ever written anywhere else instead.
 */
export class KeytarSecretStore implements SecretStore {
  private readonly service: string;
  private readonly platform: NodeJS.Platform;
  private readonly load: () => Promise<KeytarApi>;
  private keytar: Promise<KeytarApi> | undefined;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? SECRET_SERVICE_NAME;
    this.platform = options.platform ?? process.platform;
    this.load = options.load ?? loadKeytar;
  }

  async set(accountId: string, field: SecretField, value: string): Promise<void> {
    const keytar = await this.api();
    await this.guard(() => keytar.setPassword(this.service, secretAccountName(accountId, field), value), value);
  }

  async get(accountId: string, field: SecretField): Promise<string | undefined> {
    const keytar = await this.api();
    const value = await this.guard(() => keytar.getPassword(this.service, secretAccountName(accountId, field)));
    return value ?? undefined;
  }

  async delete(accountId: string, field: SecretField): Promise<boolean> {
    const keytar = await this.api();
    return this.guard(() => keytar.deletePassword(this.service, secretAccountName(accountId, field)));
  }

  async status(): Promise<KeychainStatus> {
    try {
      const keytar = await this.api();
      await this.guard(() => keytar.getPassword(this.service, '__probe__'));
      return { available: true, detail: `Credentials are kept in ${keychainName(this.platform)}` };
    } catch (error) {
      return { available: false, detail: (error as Error).message };
    }
  }

  private async api(): Promise<KeytarApi> {
    this.keytar ??= this.load();
    try {
      return await this.keytar;
    } catch (error) {
      this.keytar = undefined;
      throw new DomainError(
        'KEYCHAIN_UNAVAILABLE',
        `The OS keychain cannot be used: the keychain module (@github/keytar) is not installed or not built for this ` +
          `system (${firstLine(error)}). Exchange credentials are stored only in ${keychainName(this.platform)}, never in ` +
          `plain text; reinstall the app (or run npm install) and try again.`,
      );
    }
  }

  private async guard<T>(call: () => Promise<T>, secret?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new DomainError(
        'KEYCHAIN_UNAVAILABLE',
        `No OS keychain is available to keep exchange credentials (${keychainName(this.platform)} answered: ` +
          `${redactSecrets(firstLine(error), [secret])}). Echo Workstation never stores credentials in plain text. ${howToFix(this.platform)}`,
      );
    }
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 300) || 'no details';
}
