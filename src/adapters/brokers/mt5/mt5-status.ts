import type { Mt5State, Mt5Status } from '../../../core/ports/mt5-terminal';
import type { HelloMessage, Mt5AccountWire } from './protocol';

/**
 * What /api/mt5/status and the Brokers screen say about MetaTrader 5: the state of the bridge, the link and the
 * terminal, in words, with the setup step that gets the trader further (attach EchoBridge, free the port, switch Algo
 * Trading on, use a hedging account, ...). Pure: the facts come from the bridge connection (mt5-link.ts).
 */

export interface Mt5LinkFacts {
  now: number;
  listening: boolean;
  port: number | null;
  configuredPort: number;
  host: string;
  tokenFile: string;
  listenError: string | null;
  /** The welcome of the open session; undefined when no session is open. */
  hello: HelloMessage | undefined;
  synchronized: boolean;
  terminalConnected: boolean | null;
  tradeAllowed: boolean;
  everConnected: boolean;
  lastHeartbeatAt: number | null;
  connectedSince: number | null;
  lastDisconnect: { at: number; reason: string } | null;
  lastDenied: { at: number; reason: string } | null;
  account: Mt5AccountWire | null;
  openPositions: number;
  counters: Mt5Status['counters'];
  sessionId: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** How to attach EchoBridge to a terminal, with the port it must use. */
export function attachSteps(port: number): string {
  return (
    `In MetaTrader 5: allow 127.0.0.1 under Tools → Options → Expert Advisors → "Allow WebRequest for listed URL", copy ` +
    `EchoBridge into MQL5\\Experts, drag it onto any chart with InpPort=${port} and InpToken = the contents of the file ` +
    `in bridge.token_file, and switch Algo Trading on (see README, "MetaTrader 5").`
  );
}

export function mt5StateOf(f: Pick<Mt5LinkFacts, 'hello' | 'synchronized' | 'terminalConnected' | 'listening' | 'listenError' | 'everConnected'>): Mt5State {
  if (f.hello) return !f.synchronized ? 'synchronizing' : f.terminalConnected === false ? 'broker_disconnected' : 'connected';
  if (!f.listening) return f.listenError ? 'bridge_error' : 'bridge_stopped';
  return f.everConnected ? 'link_lost' : 'waiting_for_terminal';
}

export function describeMt5Status(f: Mt5LinkFacts): Mt5Status {
  const shownPort = f.port ?? f.configuredPort;
  const session = f.hello !== undefined;
  const hello = f.hello;
  const state = mt5StateOf(f);
  const who = hello?.account ? `account ${hello.account.login} on ${hello.account.server}` : 'no account logged in';
  const attach = attachSteps(shownPort);
  let detail: string;
  let setupHint: string | null = null;
  switch (state) {
    case 'bridge_stopped':
      detail = 'The MT5 bridge is not listening';
      setupHint = `POST /api/mt5/connect opens it on 127.0.0.1:${f.configuredPort}; then attach EchoBridge. ${attach}`;
      break;
    case 'bridge_error':
      detail = `The MT5 bridge could not start: ${f.listenError}`;
      setupHint = `Close the program that uses port ${f.configuredPort}, or set "port" in mt5-bridge.json in the data directory and InpPort in EchoBridge to the same free port.`;
      break;
    case 'waiting_for_terminal':
      detail = `Listening on 127.0.0.1:${shownPort}; no MetaTrader terminal has connected yet`;
      setupHint = f.lastDenied ? `An EA was refused at ${iso(f.lastDenied.at)}: ${f.lastDenied.reason}. ${attach}` : attach;
      break;
    case 'synchronizing':
      detail = `MetaTrader ${hello?.terminal.build ?? ''} connected (${who}); receiving its snapshot`;
      break;
    case 'connected':
      detail = `Connected to MetaTrader 5 build ${hello?.terminal.build ?? '?'} (${who}); the terminal is online`;
      if (!f.tradeAllowed) setupHint = 'Algo Trading is off in the terminal or for EchoBridge: switch it on, else orders are refused.';
      else if (f.account && f.account.margin_mode !== 'hedging') {
        setupHint = `This account is a ${f.account.margin_mode} account (one position per symbol): use a hedging account, so that each task keeps its own positions.`;
      }
      break;
    case 'broker_disconnected':
      detail = `The link to MetaTrader is up, but the terminal has lost its connection to the trade server (${who}); no orders are sent`;
      setupHint = 'Check the connection indicator at the bottom right of MetaTrader: internet, trade server or login.';
      break;
    case 'link_lost':
    default:
      detail = `The link to MetaTrader is down since ${iso(f.lastDisconnect?.at ?? f.now)} (${f.lastDisconnect?.reason ?? 'closed'}); waiting for EchoBridge to reconnect, it retries by itself`;
      setupHint = 'If it does not come back within a minute: is MetaTrader running, is EchoBridge still on its chart (smiling face) and Algo Trading on?';
      break;
  }
  const link: Mt5Status['link'] = session ? (f.synchronized ? 'up' : 'connecting') : f.listening && !f.everConnected ? 'connecting' : 'down';
  const account = f.account && session && f.synchronized ? f.account : null;
  return {
    state,
    connected: state === 'connected',
    link,
    terminal: session ? 'connected' : f.everConnected ? 'disconnected' : 'never_connected',
    broker: session ? (f.terminalConnected === null ? 'unknown' : f.terminalConnected ? 'connected' : 'disconnected') : 'unknown',
    synchronized: session && f.synchronized,
    detail,
    setupHint,
    lastHeartbeat: iso(f.lastHeartbeatAt),
    heartbeatAgeMs: f.lastHeartbeatAt === null ? null : Math.max(0, f.now - f.lastHeartbeatAt),
    bridge: { listening: f.listening, host: f.host, port: f.port, configuredPort: f.configuredPort, error: f.listenError, tokenFile: f.tokenFile },
    account: account
      ? { login: account.login, server: account.server, name: account.name, company: account.company, currency: account.currency }
      : hello?.account
        ? { login: hello.account.login, server: hello.account.server, name: hello.account.name, company: hello.account.company, currency: hello.account.currency }
        : null,
    ea: hello
      ? { version: hello.ea_version, terminalName: hello.terminal.name, terminalBuild: hello.terminal.build, terminalPath: hello.terminal.path, tradeAllowed: f.tradeAllowed }
      : null,
    sessionId: f.sessionId,
    connectedSince: session ? iso(f.connectedSince) : null,
    lastDisconnect: f.lastDisconnect ? { at: iso(f.lastDisconnect.at) as string, reason: f.lastDisconnect.reason } : null,
    lastDenied: f.lastDenied ? { at: iso(f.lastDenied.at) as string, reason: f.lastDenied.reason } : null,
    counters: f.counters,
    openPositions: f.synchronized && session ? f.openPositions : null,
  };
}
