import type { SecretStore } from '../../../core/ports/secret-store';
import type { BridgeLog } from './bridge-server';
import { BridgeSettingsFile, BridgeToken } from './bridge-settings';
import { Mt5Bridge, type Mt5PasswordStore } from './mt5-bridge';
import { TerminalLauncher } from './terminal-launcher';

export { Mt5Bridge, type Mt5PasswordStore } from './mt5-bridge';

export interface CreateMt5BridgeOptions {
  dataDir: string;
  appVersion: string;
  log?: BridgeLog;
  /** The task an order belongs to when this process did not send it (the order journal knows). */
  taskOf?: (clientOrderId: string, magic: number) => string | undefined;
  passwords?: Mt5PasswordStore;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * The MT5 bridge of one data directory: its token file (mt5-bridge-token), its settings (mt5-bridge.json: port,
 * listen at start-up, last account, terminal path) and, on Windows, the terminal launcher. It does not listen
 * until /api/mt5/connect asks for it, or autoStart() finds that the last connect asked for it.
 */
export function createMt5Bridge(options: CreateMt5BridgeOptions): Mt5Bridge {
  const settings = new BridgeSettingsFile(options.dataDir, options.env);
  const initial = settings.read();
  const log = options.log ?? (() => {});
  const timings = {
    ...(initial.heartbeatMs ? { heartbeatMs: initial.heartbeatMs } : {}),
    ...(initial.staleAfterMs ? { staleAfterMs: initial.staleAfterMs } : initial.heartbeatMs ? { staleAfterMs: initial.heartbeatMs * 3 } : {}),
  };
  return new Mt5Bridge({
    port: initial.port,
    timings,
    token: new BridgeToken(options.dataDir),
    appVersion: options.appVersion,
    settings,
    launcher: new TerminalLauncher({
      dataDir: options.dataDir,
      log,
      allowList: { read: () => settings.read().allowedTerminals, write: (paths) => void settings.update({ allowedTerminals: paths }) },
      ...(options.env ? { env: options.env } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
    }),
    log,
    ...(options.taskOf ? { taskOf: options.taskOf } : {}),
    ...(options.passwords ? { passwords: options.passwords } : {}),
  });
}

/**
 * The MetaTrader password in the OS keychain through the app's SecretStore: account `mt5:<server>:<login>`. The port's
 * fields are named for exchange credentials; the terminal's password is that account's one secret, kept as its
 * `passphrase`. Without a keychain both calls throw KEYCHAIN_UNAVAILABLE (never a plaintext fallback).
 */
export function passwordStoreFrom(secrets: Pick<SecretStore, 'set' | 'get'>): Mt5PasswordStore {
  const id = (login: string, server: string) => `mt5:${server}:${login}`;
  return {
    save: (login, server, password) => secrets.set(id(login, server), 'passphrase', password),
    load: (login, server) => secrets.get(id(login, server), 'passphrase'),
  };
}
