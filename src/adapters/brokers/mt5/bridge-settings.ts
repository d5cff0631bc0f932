import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_BRIDGE_PORT } from './protocol';

export const BRIDGE_TOKEN_FILE = 'mt5-bridge-token';
export const BRIDGE_SETTINGS_FILE = 'mt5-bridge.json';

/**
 * The bridge token: what the EA must say in its hello. Created on first use in <data-dir>/mt5-bridge-token, readable
 * by the owner only, like the API token; a file with looser permissions is tightened. Deleting it makes a new one.
 */
export class BridgeToken {
  readonly file: string;
  private cached: string | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, BRIDGE_TOKEN_FILE);
  }

  value(): string {
    if (this.cached && existsSync(this.file)) return this.cached;
    if (existsSync(this.file)) {
      const token = readFileSync(this.file, 'utf8').trim();
      if (token.length >= 24) {
        if (process.platform !== 'win32' && (statSync(this.file).mode & 0o077) !== 0) chmodSync(this.file, 0o600);
        this.cached = token;
        return token;
      }
    }
    // base64url without - and _: the token is typed or pasted into an MQL5 input, keep it plain.
    const token = randomBytes(32).toString('hex');
    writeFileSync(this.file, `${token}\n`, { mode: 0o600 });
    if (process.platform !== 'win32') chmodSync(this.file, 0o600);
    this.cached = token;
    return token;
  }
}

export interface BridgeSettings {
  /** TCP port on 127.0.0.1 (0: any free port, for tests). */
  port: number;
  /** Listen at start-up (set by /api/mt5/connect, cleared by /api/mt5/disconnect). */
  autoStart: boolean;
  login: string | null;
  server: string | null;
  terminalPath: string | null;
  /** terminal64.exe paths the owner allowed /api/mt5/connect to start (besides the ones the app finds itself). */
  allowedTerminals: string[];
  /** The chart the generated start-up configuration attaches EchoBridge to. */
  chartSymbol: string;
  /** Heartbeat interval and dead-link limit (advanced; defaults 2,000 and 6,000 ms). */
  heartbeatMs: number | null;
  staleAfterMs: number | null;
}

const DEFAULTS: BridgeSettings = {
  port: DEFAULT_BRIDGE_PORT,
  autoStart: false,
  login: null,
  server: null,
  terminalPath: null,
  allowedTerminals: [],
  chartSymbol: 'EURUSD',
  heartbeatMs: null,
  staleAfterMs: null,
};

/**
 * <data-dir>/mt5-bridge.json: `{"port": 5555, "auto_start": true, "login": "…", "server": "…", "terminal_path": "…", "allowed_terminals": […],
 * "chart_symbol": "EURUSD", "heartbeat_ms": 2000, "stale_after_ms": 6000}`. Unreadable or partial files fall back to the defaults field by field; ECHO_MT5_BRIDGE_PORT
 * overrides the port. No secret is ever written here.
 */
export class BridgeSettingsFile {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = join(dataDir, BRIDGE_SETTINGS_FILE);
  }

  read(): BridgeSettings {
    let raw: Record<string, unknown> = {};
    try {
      if (existsSync(this.file)) raw = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
    } catch {
      raw = {};
    }
    const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
    const port = portOf(this.env.ECHO_MT5_BRIDGE_PORT) ?? portOf(raw.port) ?? DEFAULTS.port;
    return {
      port,
      autoStart: raw.auto_start === true,
      login: str(raw.login),
      server: str(raw.server),
      terminalPath: str(raw.terminal_path),
      allowedTerminals: Array.isArray(raw.allowed_terminals) ? raw.allowed_terminals.map(str).filter((p): p is string => p !== null) : [],
      chartSymbol: str(raw.chart_symbol) ?? DEFAULTS.chartSymbol,
      heartbeatMs: msOf(raw.heartbeat_ms),
      staleAfterMs: msOf(raw.stale_after_ms),
    };
  }

  update(change: Partial<Omit<BridgeSettings, 'port' | 'heartbeatMs' | 'staleAfterMs'>>): BridgeSettings {
    let raw: Record<string, unknown> = {};
    try {
      if (existsSync(this.file)) raw = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
    } catch {
      raw = {};
    }
    if (change.autoStart !== undefined) raw.auto_start = change.autoStart;
    if (change.login !== undefined) raw.login = change.login;
    if (change.server !== undefined) raw.server = change.server;
    if (change.terminalPath !== undefined) raw.terminal_path = change.terminalPath;
    if (change.allowedTerminals !== undefined) raw.allowed_terminals = change.allowedTerminals;
    if (change.chartSymbol !== undefined) raw.chart_symbol = change.chartSymbol;
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    return this.read();
  }
}

function portOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

function msOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 10 && value <= 600_000 ? value : null;
}
