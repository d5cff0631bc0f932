/**
 * The MetaTrader 5 terminal as the API sees it (/api/mt5/...): the bridge that the EchoBridge Expert Advisor connects
 * to, its link and the terminal's own broker connection, and what the terminal reported (account, symbols).
 * Trading goes through the same bridge as a BrokerConnection with id 'mt5' (ports/broker.ts).
 */

export type Mt5State =
  /** The bridge is not listening: nobody asked to connect yet, or after a disconnect. */
  | 'bridge_stopped'
  /** Listening failed (the port is taken by another program). */
  | 'bridge_error'
  /** Listening; no EA has connected since the bridge started. */
  | 'waiting_for_terminal'
  /** An EA said hello; its snapshot is not in yet (or a resync is running). */
  | 'synchronizing'
  /** Link up, synchronized, the terminal is connected to its trade server. */
  | 'connected'
  /** Link up, but the terminal has lost its own trade-server connection. */
  | 'broker_disconnected'
  /** An EA was connected and the link is gone (closed, stale heartbeat, half-open socket); waiting for it to reconnect. */
  | 'link_lost';

export interface Mt5AccountInfo {
  login: string;
  name: string;
  server: string;
  company: string;
  currency: string;
  leverage: number;
  balance: number;
  equity: number;
  margin: number;
  marginFree: number;
  marginLevel: number;
  profit: number;
  tradeMode: string;
  tradeAllowed: boolean;
  updatedAt: string;
}

export interface Mt5SymbolInfo {
  symbol: string;
  description: string;
  path: string;
  digits: number;
  point: number;
  tickSize: number;
  tickValue: number;
  contractSize: number;
  volumeMin: number;
  volumeStep: number;
  volumeMax: number;
  currencyBase: string;
  currencyProfit: string;
  currencyMargin: string;
  tradeMode: string;
  spread: number;
  bid: number;
  ask: number;
}

export interface Mt5Status {
  state: Mt5State;
  /** Link up, synchronized and the terminal connected to its trade server: orders can go. */
  connected: boolean;
  link: 'up' | 'down' | 'connecting';
  /** Whether an EA (terminal) is on the link now, was and left, or never came. */
  terminal: 'connected' | 'disconnected' | 'never_connected';
  broker: 'connected' | 'disconnected' | 'unknown';
  synchronized: boolean;
  /** One sentence for people: what is going on and why. */
  detail: string;
  /** What to do next, when something is needed from the trader. */
  setupHint: string | null;
  lastHeartbeat: string | null;
  heartbeatAgeMs: number | null;
  bridge: { listening: boolean; host: string; port: number | null; configuredPort: number; error: string | null; tokenFile: string };
  account: { login: string; server: string; name: string; company: string; currency: string } | null;
  ea: { version: string; terminalName: string; terminalBuild: number; terminalPath: string; tradeAllowed: boolean } | null;
  sessionId: string | null;
  connectedSince: string | null;
  lastDisconnect: { at: string; reason: string } | null;
  lastDenied: { at: string; reason: string } | null;
  counters: { connections: number; resyncs: number; duplicatesIgnored: number; reordered: number; denied: number };
  openPositions: number | null;
}

export interface Mt5ConnectRequest {
  login: string;
  password?: string;
  server: string;
  sessionId?: string;
  /** terminal64.exe to start (Windows); found automatically when absent. */
  terminalPath?: string;
  /** How long to wait for the EA to connect before answering (0: answer at once). */
  waitSeconds: number;
}

export interface Mt5ConnectResult {
  status: Mt5Status;
  /** A terminal was started with a generated start-up configuration. */
  launched: boolean;
  passwordStored: boolean;
  warnings: string[];
}

export interface Mt5DisconnectResult {
  status: Mt5Status;
  wasConnected: boolean;
  /** Positions stay open at the broker; how many the terminal last reported. */
  openPositions: number;
}

export interface Mt5TerminalControl {
  status(): Mt5Status;
  connect(request: Mt5ConnectRequest): Promise<Mt5ConnectResult>;
  disconnect(sessionId?: string): Promise<Mt5DisconnectResult>;
  /** undefined when no terminal is synchronized. */
  symbols(): Mt5SymbolInfo[] | undefined;
  account(): Mt5AccountInfo | undefined;
  /** The terminal64.exe files connect may start: found by the app, and the owner's allow-list. */
  terminals(): Mt5Terminals;
  /** Replaces the owner's allow-list (paths already checked to be terminal64.exe files). */
  setAllowedTerminals(paths: readonly string[]): Mt5Terminals;
}

export interface Mt5Terminals {
  canLaunch: boolean;
  found: string[];
  allowed: string[];
}
