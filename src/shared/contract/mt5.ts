import { z } from 'zod';
import { defineProcedure } from './procedure';

/**
 * MetaTrader 5 connection endpoints of forex-echo-backend-api.md (step 5 of its workflow). The terminal connects to
 * the app through the EchoBridge Expert Advisor (resources/mt5); these calls open the bridge, start the terminal on
 * Windows, and show the link, the terminal's own broker connection, the account and the symbols it reported.
 */
const ENVELOPE = 'forex-echo' as const;
const TAG = 'MetaTrader 5';

const LOGIN_MESSAGE = 'login must be your MetaTrader account number, such as 12345678';
const loginField = z
  .union(
    [
      z.number({ error: LOGIN_MESSAGE }).int(LOGIN_MESSAGE).positive(LOGIN_MESSAGE).max(Number.MAX_SAFE_INTEGER, LOGIN_MESSAGE),
      z.string({ error: LOGIN_MESSAGE }).trim().regex(/^\d{1,20}$/, LOGIN_MESSAGE),
    ],
    { error: LOGIN_MESSAGE },
  )
  .transform(String);

const sessionIdField = z
  .string({ error: 'session_id must be a text id such as "abc-123"' })
  .trim()
  .min(1, 'session_id must not be empty')
  .max(64, 'session_id must be at most 64 characters');

const hasNoLineBreaks = (value: string) => !/[\r\n\0]/.test(value);

export const mt5StatusView = z.object({
  state: z.enum(['bridge_stopped', 'bridge_error', 'waiting_for_terminal', 'synchronizing', 'connected', 'broker_disconnected', 'link_lost']),
  connected: z.boolean(),
  link: z.enum(['up', 'down', 'connecting']),
  terminal: z.enum(['connected', 'disconnected', 'never_connected']),
  broker: z.enum(['connected', 'disconnected', 'unknown']),
  synchronized: z.boolean(),
  detail: z.string(),
  setup_hint: z.string().nullable(),
  last_heartbeat: z.string().nullable(),
  heartbeat_age_ms: z.number().nullable(),
  bridge: z.object({
    listening: z.boolean(),
    host: z.string(),
    port: z.number().int().nullable(),
    configured_port: z.number().int(),
    error: z.string().nullable(),
    token_file: z.string(),
  }),
  account: z.object({ login: z.string(), server: z.string(), name: z.string(), company: z.string(), currency: z.string() }).nullable(),
  ea: z
    .object({ version: z.string(), terminal_name: z.string(), terminal_build: z.number(), terminal_path: z.string(), trade_allowed: z.boolean() })
    .nullable(),
  session_id: z.string().nullable(),
  connected_since: z.string().nullable(),
  last_disconnect: z.object({ at: z.string(), reason: z.string() }).nullable(),
  last_denied: z.object({ at: z.string(), reason: z.string() }).nullable(),
  counters: z.object({
    connections: z.number().int(),
    resyncs: z.number().int(),
    duplicates_ignored: z.number().int(),
    reordered: z.number().int(),
    denied: z.number().int(),
  }),
  open_positions: z.number().int().nullable(),
});
export type Mt5StatusView = z.infer<typeof mt5StatusView>;

export const connect = defineProcedure({
  name: 'mt5.connect',
  tag: TAG,
  summary: 'Connect MetaTrader 5: open the bridge for EchoBridge; on Windows also start the terminal logged in with EchoBridge attached',
  description:
    'The password is kept in the OS keychain only (never in files, logs or answers). On Windows, terminal64.exe is started with a ' +
    'generated start-up configuration that is deleted as soon as the terminal has read it. Elsewhere, start MetaTrader yourself and ' +
    'attach EchoBridge (see setup_hint). wait_seconds (0–60) waits for the terminal to connect before answering.',
  input: z.strictObject({
    login: loginField,
    password: z
      .string({ error: 'password must be a text' })
      .min(1, 'password must not be empty')
      .max(256, 'password must be at most 256 characters')
      .refine(hasNoLineBreaks, 'password must not contain line breaks')
      .optional(),
    server: z
      .string({ error: 'server must be the trade server name, such as "MetaQuotes-Demo"' })
      .trim()
      .min(1, 'server must be the trade server name, such as "MetaQuotes-Demo"')
      .max(128, 'server must be at most 128 characters')
      .refine(hasNoLineBreaks, 'server must not contain line breaks'),
    session_id: sessionIdField.optional(),
    terminal_path: z.string().trim().min(1).max(1024).refine(hasNoLineBreaks, 'terminal_path must not contain line breaks').optional(),
    wait_seconds: z
      .number({ error: 'wait_seconds must be a number of seconds from 0 to 60' })
      .int('wait_seconds must be a whole number')
      .min(0, 'wait_seconds must not be negative')
      .max(60, 'wait_seconds must be at most 60')
      .default(0),
  }),
  output: mt5StatusView.extend({ launched: z.boolean(), password_stored: z.boolean(), warnings: z.array(z.string()) }),
  http: [{ method: 'POST', path: '/api/mt5/connect', envelope: ENVELOPE }],
  message: (s) => (s.connected ? `Connected to MetaTrader 5: ${s.detail}` : `MT5 bridge ready: ${s.detail}`),
});

export const disconnect = defineProcedure({
  name: 'mt5.disconnect',
  tag: TAG,
  summary: 'Disconnect MetaTrader 5: close the link and stop the bridge (positions stay open at the broker)',
  input: z.strictObject({ session_id: sessionIdField.optional() }),
  output: mt5StatusView.extend({ was_connected: z.boolean(), open_positions_at_broker: z.number().int() }),
  http: [{ method: 'POST', path: '/api/mt5/disconnect', envelope: ENVELOPE }],
  message: (s) =>
    s.was_connected
      ? `Disconnected from MetaTrader 5; ${s.open_positions_at_broker} position(s) stay open at the broker`
      : 'MetaTrader 5 was not connected; the bridge is stopped',
});

export const status = defineProcedure({
  name: 'mt5.status',
  tag: TAG,
  summary: 'MetaTrader 5 connection status: the bridge, the link to the terminal, the terminal’s own broker connection, heartbeats',
  input: z.strictObject({}),
  output: mt5StatusView,
  http: [{ method: 'GET', path: '/api/mt5/status', envelope: ENVELOPE }],
  message: (s) => `MT5 ${s.state.replace(/_/g, ' ')}: ${s.detail}`,
});

const symbolView = z.object({
  symbol: z.string(),
  description: z.string(),
  path: z.string(),
  digits: z.number().int(),
  point: z.number(),
  tick_size: z.number(),
  tick_value: z.number(),
  contract_size: z.number(),
  volume_min: z.number(),
  volume_step: z.number(),
  volume_max: z.number(),
  currency_base: z.string(),
  currency_profit: z.string(),
  currency_margin: z.string(),
  trade_mode: z.string(),
  spread: z.number(),
  bid: z.number(),
  ask: z.number(),
});

export const symbols = defineProcedure({
  name: 'mt5.symbols',
  tag: TAG,
  summary: 'Symbols of the connected terminal’s Market Watch with the broker’s specification (digits, point, contract size, lot limits)',
  input: z.strictObject({}),
  output: z.object({ count: z.number().int(), symbols: z.array(symbolView) }),
  http: [{ method: 'GET', path: '/api/mt5/symbols', envelope: ENVELOPE }],
  message: (s) => `${s.count} symbol(s) from MetaTrader 5`,
});

export const accountInfo = defineProcedure({
  name: 'mt5.accountInfo',
  tag: TAG,
  summary: 'Account of the connected terminal: balance, equity, margin, leverage',
  input: z.strictObject({}),
  output: z.object({
    login: z.string(),
    name: z.string(),
    server: z.string(),
    company: z.string(),
    currency: z.string(),
    leverage: z.number(),
    balance: z.number(),
    equity: z.number(),
    margin: z.number(),
    free_margin: z.number(),
    margin_level: z.number(),
    profit: z.number(),
    trade_mode: z.string(),
    trade_allowed: z.boolean(),
    updated_at: z.string(),
  }),
  http: [{ method: 'GET', path: '/api/mt5/account-info', envelope: ENVELOPE }],
  message: (a) => `Account ${a.login} on ${a.server}: balance ${a.balance} ${a.currency}, equity ${a.equity} ${a.currency}`,
});

/** The one rule for a terminal the app may start: the full path of a MetaTrader 5 terminal64.exe (any OS's path syntax). */
export function isTerminal64Path(path: string): boolean {
  const absolute = path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
  return absolute && (path.split(/[\\/]/).pop() ?? '').toLowerCase() === 'terminal64.exe';
}

const TERMINAL_PATH_MESSAGE = 'each allowed terminal must be the full path of terminal64.exe, such as C:\\Program Files\\MetaTrader 5\\terminal64.exe';

const terminalsView = z.object({
  /** Whether this OS can start MetaTrader 5 at all (Windows). */
  can_launch: z.boolean(),
  /** terminal64.exe files the app found: ECHO_MT5_TERMINAL, the standard install folders, installed terminals' origin.txt. */
  found: z.array(z.string()),
  /** Set by the owner; /api/mt5/connect starts only a found or allowed terminal_path. */
  allowed: z.array(z.string()),
});

export const terminals = defineProcedure({
  name: 'mt5.terminals',
  tag: TAG,
  summary: 'The MetaTrader 5 terminals /api/mt5/connect may start: the ones the app found and the ones the owner allowed',
  input: z.strictObject({}),
  output: terminalsView,
  http: [{ method: 'GET', path: '/api/mt5/terminals', envelope: ENVELOPE }],
  message: (t) => `${t.found.length} terminal(s) found, ${t.allowed.length} allowed`,
});

export const allowTerminals = defineProcedure({
  name: 'mt5.allowTerminals',
  tag: TAG,
  summary: 'Set the allow-list of terminal64.exe paths /api/mt5/connect may start (besides the terminals the app finds itself)',
  description: 'Replaces the list. A terminal_path in /api/mt5/connect that is neither found nor on this list is refused (403).',
  input: z.strictObject({
    allowed: z
      .array(
        z
          .string({ error: TERMINAL_PATH_MESSAGE })
          .trim()
          .max(1024, 'a terminal path must be at most 1024 characters')
          .refine(hasNoLineBreaks, 'a terminal path must not contain line breaks')
          .refine(isTerminal64Path, TERMINAL_PATH_MESSAGE),
        { error: 'allowed must be a list of terminal64.exe paths' },
      )
      .max(20, 'at most 20 allowed terminals'),
  }),
  output: terminalsView,
  http: [{ method: 'PUT', path: '/api/mt5/terminals', envelope: ENVELOPE }],
  message: (t) => `${t.allowed.length} terminal(s) allowed`,
});
