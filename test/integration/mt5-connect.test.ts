import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeSettingsFile, BridgeToken } from '../../src/adapters/brokers/mt5/bridge-settings';
import { Mt5Bridge, type Mt5PasswordStore } from '../../src/adapters/brokers/mt5/mt5-bridge';
import { TerminalLauncher } from '../../src/adapters/brokers/mt5/terminal-launcher';
import { FakeMt5Terminal } from '../kit/fake-mt5-terminal';

/**
 * /api/mt5/connect's Windows path, simulated on any OS: the bridge opens, the password goes to the keychain, the
 * terminal is started with a generated start-up configuration, EchoBridge (the fake terminal) finds port and token
 * in Common\Files and connects, and the configuration with the password is gone once it did.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(passwords: Mt5PasswordStore) {
  const root = mkdtempSync(join(tmpdir(), 'echo-mt5-connect-'));
  const dataDir = join(root, 'data');
  const appData = join(root, 'AppData');
  const exe = join(root, 'terminal64.exe');
  writeFileSync(exe, '');
  const launches: { args: readonly string[]; ini: string; iniPath: string }[] = [];
  const terminals: FakeMt5Terminal[] = [];
  // The "terminal": reads its configuration, then EchoBridge connects with what it finds in Common\Files.
  const spawn = (_command: string, args: readonly string[]) => {
    const iniPath = (args[0] as string).replace('/config:', '');
    launches.push({ args, iniPath, ini: readFileSync(iniPath).subarray(2).toString('utf16le') });
    const bridgeFile = readFileSync(join(appData, 'MetaQuotes', 'Terminal', 'Common', 'Files', 'EchoBridge', 'bridge.txt'), 'utf8');
    const port = Number(/port=(\d+)/.exec(bridgeFile)?.[1]);
    const token = /token=(\w+)/.exec(bridgeFile)?.[1] as string;
    const login = /Login=(\d+)/.exec(launches.at(-1)?.ini ?? '')?.[1] as string;
    const ea = new FakeMt5Terminal({ port, token, login, server: 'Echo-Demo' });
    terminals.push(ea);
    setTimeout(() => void ea.connect(), 30);
    return Object.assign(new EventEmitter(), { pid: 777, unref() {} }) as unknown as ChildProcess;
  };
  mkdirSync(dataDir, { recursive: true });
  const bridge = new Mt5Bridge({
    port: 0,
    token: new BridgeToken(dataDir),
    appVersion: 'test',
    settings: new BridgeSettingsFile(dataDir, {}),
    launcher: new TerminalLauncher({ dataDir, platform: 'win32', env: { APPDATA: appData, ECHO_MT5_TERMINAL: exe }, spawn }),
    passwords,
    timings: { heartbeatMs: 50, staleAfterMs: 500 },
  });
  cleanups.push(async () => {
    for (const t of terminals) t.disconnect();
    await bridge.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { bridge, launches, terminals, dataDir };
}

function memoryKeychain(): Mt5PasswordStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    save: async (login, server, password) => void entries.set(`${server}/${login}`, password),
    load: async (login, server) => entries.get(`${server}/${login}`),
  };
}

describe('/api/mt5/connect on Windows (simulated)', () => {
  it('stores the password in the keychain, starts the terminal logged in with EchoBridge, and deletes the configuration once the EA connected', async () => {
    const keychain = memoryKeychain();
    const { bridge, launches } = setup(keychain);
    const result = await bridge.connect({ login: '12345678', password: 'S3cret;pw', server: 'Echo-Demo', waitSeconds: 5 });
    expect(result).toMatchObject({ launched: true, passwordStored: true, warnings: [] });
    expect(result.status).toMatchObject({ state: 'connected', account: { login: '12345678', server: 'Echo-Demo' } });
    expect(keychain.entries.get('Echo-Demo/12345678')).toBe('S3cret;pw');
    expect(launches).toHaveLength(1);
    expect(launches[0]?.ini).toMatch(/\[Common\]\r\nLogin=12345678\r\nPassword=S3cret;pw\r\nServer=Echo-Demo/);
    expect(launches[0]?.ini).toMatch(/\[StartUp\]\r\nExpert=EchoBridge\r\nSymbol=EURUSD\r\nPeriod=H1/);
    expect(existsSync(launches[0]?.iniPath as string)).toBe(false);
  });

  it('the next connect without a password takes it from the keychain', async () => {
    const keychain = memoryKeychain();
    await keychain.save('555', 'Echo-Demo', 'from-keychain');
    const { bridge, launches } = setup(keychain);
    const result = await bridge.connect({ login: '555', server: 'Echo-Demo', waitSeconds: 5 });
    expect(result).toMatchObject({ launched: true, passwordStored: false, status: { state: 'connected' } });
    expect(launches[0]?.ini).toMatch(/Password=from-keychain\r\n/);
  });

  it('without a keychain it says so and still starts the terminal with the password given', async () => {
    const { bridge, launches } = setup({
      save: async () => {
        throw new Error('No OS keychain: start a Secret Service');
      },
      load: async () => {
        throw new Error('No OS keychain');
      },
    });
    const result = await bridge.connect({ login: '777', password: 'pw', server: 'Echo-Demo', waitSeconds: 5 });
    expect(result.passwordStored).toBe(false);
    expect(result.warnings).toEqual([expect.stringMatching(/password was not stored: No OS keychain/)]);
    expect(result.launched).toBe(true);
    expect(launches[0]?.ini).toMatch(/Password=pw\r\n/);
  });

  it('does not start a second terminal while one is connected', async () => {
    const { bridge, launches } = setup(memoryKeychain());
    await bridge.connect({ login: '1', password: 'pw', server: 'Echo-Demo', waitSeconds: 5 });
    const again = await bridge.connect({ login: '1', server: 'Echo-Demo', waitSeconds: 0 });
    expect(again.launched).toBe(false);
    expect(launches).toHaveLength(1);
  });
});
