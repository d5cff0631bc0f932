import { DomainError } from '../../shared/contract/errors';
import { requireOwner } from './require-owner';
import type { Handlers } from '../../shared/contract/index';
import type { Mt5StatusView } from '../../shared/contract/mt5';
import type { Mt5Status, Mt5TerminalControl, Mt5Terminals } from '../ports/mt5-terminal';

const terminalsView = (t: Mt5Terminals) => ({ can_launch: t.canLaunch, found: t.found, allowed: t.allowed });

type Mt5Handlers = Pick<Handlers, 'mt5.connect' | 'mt5.disconnect' | 'mt5.status' | 'mt5.symbols' | 'mt5.accountInfo' | 'mt5.terminals' | 'mt5.allowTerminals'>;

export interface Mt5HandlerDeps {
  terminal: Mt5TerminalControl;
  /** Whether a trading session exists (session_id is optional; when given it must be real). */
  sessionExists?: (sessionId: string) => boolean;
}

export function statusView(s: Mt5Status): Mt5StatusView {
  return {
    state: s.state,
    connected: s.connected,
    link: s.link,
    terminal: s.terminal,
    broker: s.broker,
    synchronized: s.synchronized,
    detail: s.detail,
    setup_hint: s.setupHint,
    last_heartbeat: s.lastHeartbeat,
    heartbeat_age_ms: s.heartbeatAgeMs,
    bridge: {
      listening: s.bridge.listening,
      host: s.bridge.host,
      port: s.bridge.port,
      configured_port: s.bridge.configuredPort,
      error: s.bridge.error,
      token_file: s.bridge.tokenFile,
    },
    account: s.account,
    ea: s.ea
      ? { version: s.ea.version, terminal_name: s.ea.terminalName, terminal_build: s.ea.terminalBuild, terminal_path: s.ea.terminalPath, trade_allowed: s.ea.tradeAllowed }
      : null,
    session_id: s.sessionId,
    connected_since: s.connectedSince,
    last_disconnect: s.lastDisconnect,
    last_denied: s.lastDenied,
    counters: {
      connections: s.counters.connections,
      resyncs: s.counters.resyncs,
      duplicates_ignored: s.counters.duplicatesIgnored,
      reordered: s.counters.reordered,
      denied: s.counters.denied,
    },
    open_positions: s.openPositions,
  };
}

/** /api/mt5/...: the terminal's state always answers; what only a connected terminal knows is a clear 409 without one. */
export function createMt5Handlers(deps: Mt5HandlerDeps): Mt5Handlers {
  const { terminal } = deps;

  const notConnected = (): DomainError => {
    const s = terminal.status();
    return new DomainError(
      'TERMINAL_NOT_CONNECTED',
      `No MetaTrader terminal is connected: attach EchoBridge to a chart (see README, "MetaTrader 5"). Now: ${s.detail}.` +
        (s.setupHint ? ` ${s.setupHint}` : ''),
    );
  };

  const checkSession = (sessionId: string | undefined) => {
    if (sessionId && deps.sessionExists && !deps.sessionExists(sessionId)) {
      throw new DomainError('NOT_FOUND', `Session "${sessionId}" does not exist; create one with POST /api/session/create`);
    }
  };

  return {
    'mt5.connect': async (input) => {
      checkSession(input.session_id);
      const result = await terminal.connect({
        login: input.login,
        server: input.server,
        waitSeconds: input.wait_seconds,
        ...(input.password !== undefined ? { password: input.password } : {}),
        ...(input.session_id !== undefined ? { sessionId: input.session_id } : {}),
        ...(input.terminal_path !== undefined ? { terminalPath: input.terminal_path } : {}),
      });
      return { ...statusView(result.status), launched: result.launched, password_stored: result.passwordStored, warnings: result.warnings };
    },
    'mt5.disconnect': async (input) => {
      checkSession(input.session_id);
      const result = await terminal.disconnect(input.session_id);
      return { ...statusView(result.status), was_connected: result.wasConnected, open_positions_at_broker: result.openPositions };
    },
    'mt5.status': () => statusView(terminal.status()),
    'mt5.terminals': () => terminalsView(terminal.terminals()),
    // Which programs the app may start is the desktop owner's decision (the app, IPC, the local token), not a signed-in user's.
    'mt5.allowTerminals': (input, caller) => {
      requireOwner(caller, 'set the terminals MetaTrader connect may start');
      return terminalsView(terminal.setAllowedTerminals(input.allowed));
    },
    'mt5.symbols': () => {
      const list = terminal.symbols();
      if (!list) throw notConnected();
      return {
        count: list.length,
        symbols: list.map((s) => ({
          symbol: s.symbol,
          description: s.description,
          path: s.path,
          digits: s.digits,
          point: s.point,
          tick_size: s.tickSize,
          tick_value: s.tickValue,
          contract_size: s.contractSize,
          volume_min: s.volumeMin,
          volume_step: s.volumeStep,
          volume_max: s.volumeMax,
          currency_base: s.currencyBase,
          currency_profit: s.currencyProfit,
          currency_margin: s.currencyMargin,
          trade_mode: s.tradeMode,
          spread: s.spread,
          bid: s.bid,
          ask: s.ask,
        })),
      };
    },
    'mt5.accountInfo': () => {
      const a = terminal.account();
      if (!a) throw notConnected();
      return {
        login: a.login,
        name: a.name,
        server: a.server,
        company: a.company,
        currency: a.currency,
        leverage: a.leverage,
        balance: a.balance,
        equity: a.equity,
        margin: a.margin,
        free_margin: a.marginFree,
        margin_level: a.marginLevel,
        profit: a.profit,
        trade_mode: a.tradeMode,
        trade_allowed: a.tradeAllowed,
        updated_at: a.updatedAt,
      };
    },
  };
}
