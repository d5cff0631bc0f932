import type { Instrument } from '../../../core/domain/instruments';
import type { BrokerConnection, BrokerState } from '../../../core/ports/broker';
import type { MarketFeed } from '../../../core/ports/market-feed';
import type {
  Mt5AccountInfo,
  Mt5ConnectRequest,
  Mt5ConnectResult,
  Mt5DisconnectResult,
  Mt5Status,
  Mt5SymbolInfo,
  Mt5TerminalControl,
  Mt5Terminals,
} from '../../../core/ports/mt5-terminal';
import { DomainError } from '../../../shared/contract/errors';
import type { BridgeLog, BridgeTimings } from './bridge-server';
import { toInstrument } from './mt5-book';
import { Mt5ExecutionClient } from './mt5-execution-client';
import { Mt5Feed } from './mt5-feed';
import { Mt5Link } from './mt5-link';
import { describeMt5Status } from './mt5-status';
import { DEFAULT_BRIDGE_PORT } from './protocol';
import type { SeqGateOptions } from './seq-gate';
import type { LaunchHandle, TerminalLauncher } from './terminal-launcher';

/** Where the MetaTrader password is kept (the OS keychain). Both throw when there is no keychain. */
export interface Mt5PasswordStore {
  save(login: string, server: string, password: string): Promise<void>;
  load(login: string, server: string): Promise<string | undefined>;
}

export interface Mt5BridgeOptions {
  /** Port on 127.0.0.1 (default 5555; 0 = any free port). */
  port?: number;
  host?: string;
  token: { value(): string; file: string };
  appVersion: string;
  timings?: Partial<BridgeTimings>;
  sequencing?: SeqGateOptions;
  /** Which task a position or order of ours belongs to, when this process did not send it (after a restart). */
  taskOf?: (clientOrderId: string, magic: number) => string | undefined;
  passwords?: Mt5PasswordStore;
  launcher?: TerminalLauncher;
  /** Remembers that the bridge should listen at start-up, and the last account (no secrets). */
  settings?: {
    read(): { autoStart: boolean; terminalPath: string | null; chartSymbol: string };
    update(change: { autoStart?: boolean; login?: string | null; server?: string | null; terminalPath?: string | null }): unknown;
  };
  log?: BridgeLog;
  now?: () => number;
  /** A snapshot must follow the welcome within this time, else a resync is asked for. */
  snapshotTimeoutMs?: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * MetaTrader 5 through the EchoBridge EA, as one BrokerConnection (id 'mt5') and the terminal control of /api/mt5/...
 * It composes one part per port:
 * - the bridge connection (mt5-link.ts): TCP server, session, sequencing, heartbeat, the book of the terminal's state;
 * - the execution client (mt5-execution-client.ts): orders and their fills, exactly once;
 * - the market feed (mt5-feed.ts): bars and history for the kernel;
 * - the status and its setup text (mt5-status.ts);
 * and holds the terminal control itself: connect (listen, keychain password, launching the terminal), disconnect.
 */
export class Mt5Bridge implements BrokerConnection, Mt5TerminalControl {
  readonly id = 'mt5';
  readonly kind = 'mt5' as const;
  readonly label = 'MetaTrader 5';
  readonly link: Mt5Link;
  readonly execution: Mt5ExecutionClient;
  readonly bars: Mt5Feed;
  readonly feed: MarketFeed;

  private readonly log: BridgeLog;
  private sessionId: string | null = null;
  private launch: LaunchHandle | undefined;
  private readonly stateListeners = new Set<(state: BrokerState) => void>();
  private lastState = '';

  constructor(private readonly options: Mt5BridgeOptions) {
    this.log = options.log ?? (() => {});
    const now = options.now ?? Date.now;
    const link = new Mt5Link({
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      token: options.token,
      appVersion: options.appVersion,
      ...(options.timings ? { timings: options.timings } : {}),
      ...(options.sequencing ? { sequencing: options.sequencing } : {}),
      ...(options.snapshotTimeoutMs !== undefined ? { snapshotTimeoutMs: options.snapshotTimeoutMs } : {}),
      log: this.log,
      now,
    });
    this.link = link;
    this.execution = new Mt5ExecutionClient(link, {
      ...(options.taskOf ? { taskOf: options.taskOf } : {}),
      log: this.log,
      now,
      notReady: () => this.status().detail,
    });
    this.bars = new Mt5Feed({
      request: (command) => link.request(command),
      synchronized: () => link.synchronized,
      now,
      log: this.log,
      // A subscription adds symbols to Market Watch: a fresh snapshot brings their specifications.
      onSubscribed: (symbols) => {
        if (symbols.some((s) => !link.book.symbol(s))) void link.requestResync('new symbols in Market Watch');
      },
    });
    this.feed = this.bars;
    link.attach({
      onSession: () => {
        this.launch?.configRead();
        this.launch = undefined;
      },
      onSnapshot: (change) => {
        this.execution.onSnapshot(change);
        // A new link: learn how vanished positions closed, resolve our unanswered orders, restore the bars.
        if (change.first) {
          void link.resume(async () => {
            await this.execution.resolveVanished();
            await this.execution.resolveUnanswered();
            await this.bars.resume();
          });
        } else void this.execution.resolveVanished();
      },
      onUpdate: (update, closed) => {
        if (update.type === 'bar') this.bars.onBar(update);
        else this.execution.onUpdate(update, closed);
      },
      onChange: () => this.emitState(),
    });
  }

  // ————————————————————————————————————————— bridge life cycle

  get port(): number | null {
    return this.link.port;
  }

  /** Opens the TCP server (idempotent). Throws when the port cannot be had; status() then says why. */
  listen(): Promise<number> {
    return this.link.listen();
  }

  /** Listens at start-up when the last /api/mt5/connect asked for it (and no disconnect since). Never throws. */
  async autoStart(): Promise<void> {
    if (!this.options.settings?.read().autoStart) return;
    await this.listen().catch((error: unknown) => this.log('warn', 'mt5 bridge did not start', { error: (error as Error).message }));
  }

  /** Closes the link (with a bye) and stops listening. */
  stop(reason = 'the app closed the bridge'): Promise<void> {
    return this.link.stop(reason);
  }

  async close(): Promise<void> {
    this.options.launcher?.dispose();
    await this.link.close('the app is shutting down');
  }

  // ————————————————————————————————————————— BrokerConnection

  instrument(symbol: string): Instrument | undefined {
    const spec = this.link.book.symbol(symbol);
    return spec ? toInstrument(spec) : undefined;
  }

  state(): BrokerState {
    const status = this.status();
    return {
      link: status.link,
      broker: status.broker,
      reconciling: this.link.isOpen && (!this.link.synchronized || this.link.resuming),
      detail: status.detail,
      lastHeartbeat: status.lastHeartbeat,
    };
  }

  onStateChange(listener: (state: BrokerState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private emitState(): void {
    const state = this.state();
    const signature = `${state.link}|${state.broker}|${state.reconciling}|${state.detail}`;
    if (signature === this.lastState) return;
    this.lastState = signature;
    for (const listener of this.stateListeners) {
      try {
        listener(state);
      } catch (error) {
        this.log('error', 'mt5: state listener failed', { error: (error as Error).message });
      }
    }
  }

  // ————————————————————————————————————————— Mt5TerminalControl

  status(): Mt5Status {
    return describeMt5Status({ ...this.link.facts(), sessionId: this.sessionId });
  }

  symbols(): Mt5SymbolInfo[] | undefined {
    if (!this.link.synchronized) return undefined;
    return [...this.link.book.symbols.values()].map((s) => ({
      symbol: s.name,
      description: s.description,
      path: s.path,
      digits: s.digits,
      point: s.point,
      tickSize: s.tick_size,
      tickValue: s.tick_value,
      contractSize: s.contract_size,
      volumeMin: s.volume_min,
      volumeStep: s.volume_step,
      volumeMax: s.volume_max,
      currencyBase: s.currency_base,
      currencyProfit: s.currency_profit,
      currencyMargin: s.currency_margin,
      tradeMode: s.trade_mode,
      spread: s.spread,
      bid: s.bid,
      ask: s.ask,
    }));
  }

  account(): Mt5AccountInfo | undefined {
    const a = this.link.book.account;
    if (!this.link.synchronized || !a) return undefined;
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
      marginFree: a.margin_free,
      marginLevel: a.margin_level,
      profit: a.profit,
      tradeMode: a.trade_mode,
      tradeAllowed: a.trade_allowed && this.link.tradeAllowed,
      updatedAt: iso(this.link.book.accountAt) as string,
    };
  }

  async connect(request: Mt5ConnectRequest): Promise<Mt5ConnectResult> {
    // A request may only name a terminal the app found or the owner allowed (checked before anything is changed).
    if (request.terminalPath) this.launcherOrRefuse().checkRequested(request.terminalPath);
    const warnings: string[] = [];
    try {
      await this.listen();
    } catch {
      throw new DomainError('BRIDGE_UNAVAILABLE', `The MT5 bridge cannot start: ${this.link.error}. Close the program that uses it, or set "port" in mt5-bridge.json in the data directory (and InpPort in EchoBridge)`);
    }
    if (request.sessionId) this.sessionId = request.sessionId;
    this.options.settings?.update({ autoStart: true, login: request.login, server: request.server, ...(request.terminalPath ? { terminalPath: request.terminalPath } : {}) });

    let passwordStored = false;
    if (request.password && this.options.passwords) {
      try {
        await this.options.passwords.save(request.login, request.server, request.password);
        passwordStored = true;
      } catch (error) {
        warnings.push(`The password was not stored: ${(error as Error).message}`);
      }
    } else if (request.password) {
      warnings.push('The password was not stored: no OS keychain is configured');
    }

    const launcher = this.options.launcher;
    if (launcher?.canLaunch) {
      try {
        launcher.writeBridgeFile(this.link.port ?? DEFAULT_BRIDGE_PORT, this.options.token.value());
      } catch (error) {
        warnings.push(`Could not write the bridge file for EchoBridge: ${(error as Error).message}; enter InpPort and InpToken in the EA yourself`);
      }
    }

    let launched = false;
    const hello = this.link.hello;
    if (hello) {
      if (hello.account && (hello.account.login !== request.login || hello.account.server !== request.server)) {
        warnings.push(
          `The connected terminal is logged in to ${hello.account.login} on ${hello.account.server}, not ${request.login} on ${request.server}: log it in to that account in MetaTrader (File → Login to Trade Account)`,
        );
      }
    } else if (launcher?.canLaunch) {
      const settings = this.options.settings?.read();
      const terminalPath = launcher.locate(request.terminalPath ?? settings?.terminalPath ?? null);
      if (!terminalPath) {
        warnings.push('terminal64.exe was not found: start MetaTrader 5 yourself and attach EchoBridge, or allow its terminal64.exe (Brokers → MetaTrader 5 → Allowed terminals) and pass it as terminal_path');
      } else {
        let password = request.password;
        if (!password && this.options.passwords) {
          password = await this.options.passwords.load(request.login, request.server).catch(() => undefined);
        }
        if (!password) warnings.push('No password given or stored: the terminal uses the one it saved, or asks for it');
        try {
          this.launch?.configRead();
          this.launch = launcher.launch(terminalPath, {
            login: request.login,
            ...(password ? { password } : {}),
            server: request.server,
            expert: 'EchoBridge',
            symbol: settings?.chartSymbol ?? 'EURUSD',
            period: 'H1',
          });
          launched = true;
        } catch (error) {
          warnings.push(`MetaTrader 5 did not start: ${(error as Error).message}`);
        }
      }
    }

    if (request.waitSeconds > 0 && !this.link.isReady()) await this.waitForReady(request.waitSeconds * 1000);
    return { status: this.status(), launched, passwordStored, warnings };
  }

  terminals(): Mt5Terminals {
    return this.options.launcher?.terminals() ?? { canLaunch: false, found: [], allowed: [] };
  }

  setAllowedTerminals(paths: readonly string[]): Mt5Terminals {
    return this.launcherOrRefuse().setAllowed(paths);
  }

  private launcherOrRefuse(): TerminalLauncher {
    if (!this.options.launcher) throw new DomainError('NOT_SUPPORTED', 'This MT5 bridge starts no terminal: start MetaTrader 5 yourself and attach EchoBridge');
    return this.options.launcher;
  }

  async disconnect(sessionId?: string): Promise<Mt5DisconnectResult> {
    const wasConnected = this.link.isOpen;
    const openPositions = this.link.book.positions.size;
    this.options.settings?.update({ autoStart: false });
    await this.stop(`disconnected by the user${sessionId ? ` (session ${sessionId})` : ''}`);
    this.sessionId = null;
    return { status: this.status(), wasConnected, openPositions };
  }

  private waitForReady(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const off = this.onStateChange(() => {
        if (this.link.isReady()) done();
      });
    });
  }
}
