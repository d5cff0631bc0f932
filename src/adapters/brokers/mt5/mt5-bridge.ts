import type { Candle, Timeframe } from '../../../core/domain/candles';
import type { Instrument } from '../../../core/domain/instruments';
import type { ClosedTrade, OrderFilled, Position, SubmitOrder } from '../../../core/domain/trading';
import type { BrokerConnection, BrokerState } from '../../../core/ports/broker';
import type { BrokerOrder, ExecutionClient, ExecutionListener, SubmitOutcome } from '../../../core/ports/execution-client';
import type { FeedSource, FeedSubscription, MarketFeed } from '../../../core/ports/market-feed';
import type {
  Mt5AccountInfo,
  Mt5ConnectRequest,
  Mt5ConnectResult,
  Mt5DisconnectResult,
  Mt5State,
  Mt5Status,
  Mt5SymbolInfo,
  Mt5TerminalControl,
  Mt5Terminals,
} from '../../../core/ports/mt5-terminal';
import { DomainError } from '../../../shared/contract/errors';
import { BridgeServer, type BridgeLog, type BridgeSession, type BridgeTimings } from './bridge-server';
import { exitReasonOf, fromSide, Mt5Book, toInstrument, toPosition, toSide } from './mt5-book';
import { Mt5Feed } from './mt5-feed';
import {
  closeResultSchema,
  CommandError,
  DEFAULT_BRIDGE_PORT,
  findOrderResultSchema,
  NoAnswerError,
  NotSentError,
  placeResultSchema,
  positionDealsResultSchema,
  type Command,
  type HeartbeatMessage,
  type Mt5DealWire,
  type Mt5PositionWire,
  type SequencedMessage,
  type UpdateMessage,
} from './protocol';
import { SeqGate, type SeqGateOptions } from './seq-gate';
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

/** One order this process sent, by client order id. */
interface OurOrder {
  order: SubmitOrder;
  state: 'sending' | 'accepted' | 'unknown' | 'rejected';
  reason?: string;
}

const EPS = 1e-9;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * MetaTrader 5 through the EchoBridge EA, as one BrokerConnection (id 'mt5'): execution, bars and symbol specs for
 * the kernel, and the terminal's state for /api/mt5/... The EA connects to our TCP server; every link starts with
 * a full snapshot that replaces what we knew, then sequenced updates keep it current.
 *
 * Fills reach the listener of the order's task exactly once per process, whichever comes first: the command's reply,
 * the deal event, or (after a lost link) the snapshot and a find_order. Positions closed by the broker (stop loss,
 * take profit, stop-out, by hand) — while connected or while the link was down — reach onFilled + onClosed once.
 */
export class Mt5Bridge implements BrokerConnection, ExecutionClient, MarketFeed, Mt5TerminalControl {
  readonly id = 'mt5';
  readonly kind = 'mt5' as const;
  readonly label = 'MetaTrader 5';
  readonly execution: ExecutionClient = this;
  readonly feed: MarketFeed = this;
  readonly bars: Mt5Feed;

  private readonly server: BridgeServer;
  private readonly gate: SeqGate<SequencedMessage>;
  private readonly book = new Mt5Book();
  private readonly log: BridgeLog;
  private readonly now: () => number;
  private session: BridgeSession | undefined;
  private synchronized = false;
  private resuming = false;
  private everConnected = false;
  private listenError: string | null = null;
  private lastHeartbeatAt: number | null = null;
  private terminalConnected: boolean | null = null;
  private tradeAllowed = true;
  private connectedSince: number | null = null;
  private lastDisconnect: { at: number; reason: string } | null = null;
  private lastDenied: { at: number; reason: string } | null = null;
  private sessionId: string | null = null;
  private connections = 0;
  private denied = 0;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private launch: LaunchHandle | undefined;
  private readonly stateListeners = new Set<(state: BrokerState) => void>();
  private readonly listeners = new Map<string, ExecutionListener>();
  private readonly ours = new Map<string, OurOrder>();
  /** Fills already reported: opening fills by client order id, closes by position ticket. */
  private readonly openFills = new Map<string, OrderFilled>();
  private readonly closedReported = new Set<string>();
  /** Entry commissions (positive costs) by position ticket, from the opening deals we saw. */
  private readonly entryCommission = new Map<string, number>();
  /** Our close orders by position ticket, for the exit reason and client order id of the closing fill. */
  private readonly closing = new Map<string, SubmitOrder>();
  /** Positions that vanished from a snapshot and whose closing deal is still to be fetched. */
  private readonly vanished = new Map<string, Mt5PositionWire>();
  /** Deal tickets already looked at (a deal can come again through find_order after a lost link). */
  private readonly seenDeals = new Set<string>();
  private lastState = '';

  constructor(private readonly options: Mt5BridgeOptions) {
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
    this.server = new BridgeServer({
      port: options.port ?? DEFAULT_BRIDGE_PORT,
      host: options.host ?? '127.0.0.1',
      token: () => options.token.value(),
      appVersion: options.appVersion,
      ...(options.timings ? { timings: options.timings } : {}),
      log: this.log,
      now: this.now,
      onSession: (session) => this.onSession(session),
      onDenied: (reason) => {
        this.denied++;
        this.lastDenied = { at: this.now(), reason };
        this.emitState();
      },
    });
    this.gate = new SeqGate<SequencedMessage>(
      (message) => this.applySequenced(message),
      (why) => void this.requestResync(why),
      options.sequencing,
    );
    this.bars = new Mt5Feed({
      request: (command) => this.request(command),
      synchronized: () => this.synchronized,
      now: this.now,
      log: this.log,
      // A subscription adds symbols to Market Watch: a fresh snapshot brings their specifications.
      onSubscribed: (symbols) => {
        if (symbols.some((s) => !this.book.symbol(s))) void this.requestResync('new symbols in Market Watch');
      },
    });
  }

  // ————————————————————————————————————————— bridge life cycle

  get port(): number | null {
    return this.server.port;
  }

  /** Opens the TCP server (idempotent). Throws when the port cannot be had; status() then says why. */
  async listen(): Promise<number> {
    try {
      this.options.token.value(); // the token file exists as soon as the EA could connect
      const port = await this.server.listen();
      this.listenError = null;
      this.log('info', 'mt5 bridge listening', { port });
      this.emitState();
      return port;
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      this.listenError =
        err.code === 'EADDRINUSE'
          ? `port ${this.options.port ?? DEFAULT_BRIDGE_PORT} on 127.0.0.1 is used by another program`
          : `could not listen on 127.0.0.1:${this.options.port ?? DEFAULT_BRIDGE_PORT}: ${err.message}`;
      this.emitState();
      throw error;
    }
  }

  /** Listens at start-up when the last /api/mt5/connect asked for it (and no disconnect since). Never throws. */
  async autoStart(): Promise<void> {
    if (!this.options.settings?.read().autoStart) return;
    await this.listen().catch((error: unknown) => this.log('warn', 'mt5 bridge did not start', { error: (error as Error).message }));
  }

  /** Closes the link (with a bye) and stops listening. */
  async stop(reason = 'the app closed the bridge'): Promise<void> {
    this.session?.close(reason, { bye: true });
    await this.server.close();
    this.emitState();
  }

  async close(): Promise<void> {
    clearTimeout(this.snapshotTimer);
    this.gate.dispose();
    this.options.launcher?.dispose();
    await this.stop('the app is shutting down');
  }

  // ————————————————————————————————————————— sessions

  private onSession(session: BridgeSession): void {
    const previous = this.session;
    if (previous?.isOpen) previous.close('replaced by a new connection from the terminal', { deliberate: true });
    this.session = session;
    this.connections++;
    this.everConnected = true;
    this.synchronized = false;
    this.resuming = false;
    this.gate.reset();
    this.connectedSince = this.now();
    this.lastHeartbeatAt = this.now();
    this.terminalConnected = session.hello.terminal.connected;
    this.tradeAllowed = session.hello.terminal.trade_allowed;
    this.launch?.configRead();
    this.launch = undefined;
    const account = session.hello.account;
    this.log('info', 'mt5 terminal connected', { ea: session.hello.ea_version, build: session.hello.terminal.build, login: account?.login, server: account?.server });
    session.attach({
      onSequenced: (message) => {
        if (this.session === session) this.gate.push(message);
      },
      onHeartbeat: (message) => {
        if (this.session === session) this.onHeartbeat(message);
      },
      onClose: (reason, deliberate) => this.onSessionClosed(session, reason, deliberate),
    });
    this.armSnapshotTimer(session);
    this.emitState();
  }

  private armSnapshotTimer(session: BridgeSession): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      if (this.session === session && session.isOpen && !this.synchronized) void this.requestResync('no snapshot after the welcome');
    }, this.options.snapshotTimeoutMs ?? 5_000);
    this.snapshotTimer.unref();
  }

  private onSessionClosed(session: BridgeSession, reason: string, deliberate: boolean): void {
    if (this.session !== session) return;
    clearTimeout(this.snapshotTimer);
    this.session = undefined;
    this.synchronized = false;
    this.resuming = false;
    this.gate.reset();
    this.lastDisconnect = { at: this.now(), reason };
    this.log(deliberate ? 'info' : 'warn', 'mt5 terminal link down', { reason });
    this.emitState();
  }

  private onHeartbeat(message: HeartbeatMessage): void {
    this.lastHeartbeatAt = this.now();
    const changed = this.terminalConnected !== message.terminal_connected || this.tradeAllowed !== message.trade_allowed;
    this.terminalConnected = message.terminal_connected;
    this.tradeAllowed = message.trade_allowed;
    if (changed) this.emitState();
  }

  private async requestResync(why: string): Promise<void> {
    const session = this.session;
    if (!session?.isOpen) return;
    this.log('warn', 'mt5 bridge: resync', { why });
    try {
      await session.command({ type: 'resync' });
    } catch (error) {
      this.log('warn', 'mt5 bridge: resync not answered', { error: (error as Error).message });
      this.gate.resyncFailed();
    }
  }

  /** A command on the current link; rejects with NotSentError when there is none. */
  private request(command: Command): Promise<Record<string, unknown>> {
    const session = this.session;
    if (!session?.isOpen) return Promise.reject(new NotSentError('no link to the MetaTrader terminal'));
    return session.command(command);
  }

  // ————————————————————————————————————————— sequenced state

  private applySequenced(message: SequencedMessage): void {
    if (message.type === 'snapshot') {
      clearTimeout(this.snapshotTimer);
      const { vanished, appeared } = this.book.replace(message, this.now());
      const first = !this.synchronized;
      this.synchronized = true;
      for (const p of vanished) if (!this.closedReported.has(p.ticket)) this.vanished.set(p.ticket, p);
      for (const p of appeared) this.reportOpenFromPosition(p);
      if (first) void this.resume();
      else void this.resolveVanished();
      this.emitState();
      return;
    }
    this.onUpdate(message);
  }

  private onUpdate(update: UpdateMessage): void {
    switch (update.type) {
      case 'bar':
        this.book.apply(update, this.now());
        this.bars.onBar(update);
        return;
      case 'deal_added':
        this.onDeal(update.deal);
        return;
      case 'position_opened': {
        this.book.apply(update, this.now());
        this.reportOpenFromPosition(update.position);
        return;
      }
      case 'position_closed': {
        const known = this.book.positions.get(update.ticket);
        this.book.apply(update, this.now());
        if (!known || this.closedReported.has(update.ticket)) return;
        if (update.deal) this.reportClose(known, [update.deal]);
        else {
          this.vanished.set(known.ticket, known);
          void this.resolveVanished();
        }
        return;
      }
      default:
        this.book.apply(update, this.now());
    }
  }

  /** A new deal: an opening deal of ours is a fill; a partial close is a fill without a closed trade. */
  private onDeal(deal: Mt5DealWire): void {
    if (this.seenDeals.has(deal.ticket)) return;
    this.seenDeals.add(deal.ticket);
    if (deal.entry === 'in') {
      if (deal.commission) this.entryCommission.set(deal.position, (this.entryCommission.get(deal.position) ?? 0) - deal.commission);
      this.reportOpen(deal.comment, { ticket: deal.position, symbol: deal.symbol, side: deal.side, volume: deal.volume, price: deal.price, time: deal.time, commission: -deal.commission, magic: deal.magic });
      return;
    }
    const position = this.book.positions.get(deal.position);
    if (position && deal.volume < position.volume - EPS) this.reportPartialClose(position, deal);
  }

  /** After the first snapshot of a link: fetch how vanished positions closed, resolve our unanswered orders, restore bars. */
  private async resume(): Promise<void> {
    this.resuming = true;
    this.emitState();
    try {
      await this.resolveVanished();
      await this.resolveUnanswered();
      await this.bars.resume();
    } finally {
      this.resuming = false;
      this.emitState();
    }
  }

  private async resolveVanished(): Promise<void> {
    for (const [ticket, position] of [...this.vanished]) {
      if (this.closedReported.has(ticket)) {
        this.vanished.delete(ticket);
        continue;
      }
      try {
        const result = positionDealsResultSchema.parse(await this.request({ type: 'position_deals', ticket }));
        if (result.open) continue; // back in a later snapshot
        this.vanished.delete(ticket);
        this.reportClose(position, result.deals.filter((d) => d.entry !== 'in'));
      } catch (error) {
        this.log('warn', 'mt5: could not learn how a position closed; retried after the next snapshot', { ticket, error: (error as Error).message });
        return;
      }
    }
  }

  /** Orders whose answer was lost: ask the terminal (find_order) and report what happened to them, once. */
  private async resolveUnanswered(): Promise<void> {
    for (const [clientOrderId, entry] of [...this.ours]) {
      if (entry.state !== 'unknown' || this.openFills.has(clientOrderId) || entry.order.closesPositionId) continue;
      try {
        const found = findOrderResultSchema.parse(await this.request({ type: 'find_order', client_order_id: clientOrderId }));
        if (!found.found) continue;
        const opening = found.deals.find((d) => d.entry === 'in');
        if (opening) this.onDeal(opening);
        else if (found.position) this.reportOpenFromPosition(found.position);
        const ticket = opening?.position ?? found.position?.ticket;
        const closing = found.deals.filter((d) => d.entry !== 'in');
        if (ticket && !found.position && closing.length && !this.book.positions.has(ticket)) {
          const fill = this.openFills.get(clientOrderId);
          if (fill) this.reportClose(wireFromFill(fill, ticket), closing);
        }
        entry.state = 'accepted';
      } catch (error) {
        this.log('warn', 'mt5: find_order failed', { clientOrderId, error: (error as Error).message });
        return;
      }
    }
  }

  // ————————————————————————————————————————— fills

  private taskOf(clientOrderId: string, magic: number): string | undefined {
    return this.ours.get(clientOrderId)?.order.taskId ?? this.options.taskOf?.(clientOrderId, magic);
  }

  private reportOpenFromPosition(p: Mt5PositionWire): void {
    this.reportOpen(p.comment, { ticket: p.ticket, symbol: p.symbol, side: p.side, volume: p.volume, price: p.price_open, time: p.time, commission: this.entryCommission.get(p.ticket) ?? 0, magic: p.magic });
  }

  /** Reports the opening fill of one of our orders, once. Positions not sent by this process are the kernel's reconcile's business. */
  private reportOpen(
    clientOrderId: string,
    f: { ticket: string; symbol: string; side: 'buy' | 'sell'; volume: number; price: number; time: number; commission: number; magic: number },
  ): void {
    const ours = this.ours.get(clientOrderId);
    if (!ours || ours.order.closesPositionId || this.openFills.has(clientOrderId)) return;
    const fill: OrderFilled = {
      clientOrderId,
      positionId: f.ticket,
      taskId: ours.order.taskId,
      symbol: f.symbol.toUpperCase(),
      side: toSide(f.side),
      lots: f.volume,
      price: f.price,
      time: f.time,
      commission: Math.max(0, f.commission),
      opens: true,
    };
    if (fill.commission && !this.entryCommission.has(f.ticket)) this.entryCommission.set(f.ticket, fill.commission);
    this.openFills.set(clientOrderId, fill);
    if (ours.state !== 'rejected') ours.state = 'accepted';
    this.listeners.get(fill.taskId)?.onFilled(fill);
  }

  private reportPartialClose(position: Mt5PositionWire, deal: Mt5DealWire): void {
    const taskId = this.taskOf(position.comment, position.magic);
    if (!taskId) return;
    const order = this.closing.get(position.ticket);
    this.listeners.get(taskId)?.onFilled({
      clientOrderId: order?.clientOrderId ?? `${deal.position}:${deal.ticket}`,
      positionId: position.ticket,
      taskId,
      symbol: position.symbol.toUpperCase(),
      side: toSide(deal.side),
      lots: deal.volume,
      price: deal.price,
      time: deal.time,
      commission: Math.max(0, -deal.commission),
      opens: false,
      exitReason: exitReasonOf(deal, order?.exitReason),
      pnl: deal.profit + deal.swap + deal.fee + deal.commission,
    });
  }

  /** A position is gone: one closing fill and one closed trade, from its closing deal(s). */
  private reportClose(position: Mt5PositionWire, deals: Mt5DealWire[]): void {
    if (this.closedReported.has(position.ticket)) return;
    this.closedReported.add(position.ticket);
    this.vanished.delete(position.ticket);
    const taskId = this.taskOf(position.comment, position.magic);
    const order = this.closing.get(position.ticket);
    this.closing.delete(position.ticket);
    if (!taskId) return;
    const volume = deals.reduce((sum, d) => sum + d.volume, 0);
    const last = deals[deals.length - 1] ?? null;
    const exitPrice = volume > 0 ? deals.reduce((sum, d) => sum + d.price * d.volume, 0) / volume : position.price_current || position.price_open;
    const exitTime = last?.time ?? this.now();
    const exitCommission = deals.reduce((sum, d) => sum - d.commission, 0);
    const entryCommission = this.entryCommission.get(position.ticket) ?? 0;
    const gross = deals.length ? deals.reduce((sum, d) => sum + d.profit + d.swap + d.fee, 0) : position.profit + position.swap;
    const pnl = round2(gross - exitCommission - entryCommission);
    const exitReason = exitReasonOf(last, order?.exitReason);
    const listener = this.listeners.get(taskId);
    const fill: OrderFilled = {
      clientOrderId: order?.clientOrderId ?? (last?.comment && this.ours.has(last.comment) ? last.comment : `${position.ticket}:x`),
      positionId: position.ticket,
      taskId,
      symbol: position.symbol.toUpperCase(),
      side: position.side === 'buy' ? 'SELL' : 'BUY',
      lots: volume > 0 ? volume : position.volume,
      price: exitPrice,
      time: exitTime,
      commission: exitCommission,
      opens: false,
      exitReason,
      pnl,
    };
    const trade: ClosedTrade = {
      positionId: position.ticket,
      taskId,
      symbol: position.symbol.toUpperCase(),
      side: toSide(position.side),
      lots: position.volume,
      entryPrice: position.price_open,
      entryTime: position.time,
      exitPrice,
      exitTime,
      exitReason,
      pnl,
      commission: entryCommission + exitCommission,
      magic: position.magic,
      clientOrderId: position.comment,
    };
    this.entryCommission.delete(position.ticket);
    listener?.onFilled(fill);
    listener?.onClosed(trade);
  }

  /** Keeps the per-order memories bounded on a long-running session (the oldest entries go first). */
  private prune(): void {
    const MAX = 20_000;
    for (const collection of [this.ours, this.openFills, this.closedReported, this.seenDeals] as (Map<string, unknown> | Set<string>)[]) {
      if (collection.size <= MAX) continue;
      let drop = collection.size - MAX / 2;
      for (const key of [...collection.keys()]) {
        if (drop-- <= 0) break;
        collection.delete(key);
      }
    }
  }

  // ————————————————————————————————————————— ExecutionClient

  setListener(taskId: string, listener: ExecutionListener | undefined): void {
    if (listener) this.listeners.set(taskId, listener);
    else this.listeners.delete(taskId);
  }

  /** Not sent at all → rejected; sent and refused → rejected; sent and unanswered → unknown (never resent here). */
  async submit(order: SubmitOrder): Promise<SubmitOutcome> {
    const existing = this.ours.get(order.clientOrderId);
    if (existing?.state === 'sending') return { status: 'unknown', reason: 'the same order is being sent right now; ask for it by client order id' };
    if (existing?.state === 'accepted') return { status: 'accepted', brokerOrderId: this.openFills.get(order.clientOrderId)?.positionId ?? order.clientOrderId };
    if (order.clientOrderId.length > 31) return { status: 'rejected', reason: `client order id "${order.clientOrderId}" is longer than MetaTrader's 31-character comment` };
    const session = this.session;
    if (!session?.isOpen || !this.synchronized) return { status: 'rejected', reason: `not sent: ${this.describe().detail}` };
    if (this.terminalConnected === false) return { status: 'rejected', reason: 'not sent: the MetaTrader terminal is not connected to its trade server' };
    const entry: OurOrder = existing ?? { order, state: 'sending' };
    entry.state = 'sending';
    this.ours.set(order.clientOrderId, entry);
    this.prune();
    try {
      if (order.closesPositionId) {
        this.closing.set(order.closesPositionId, order);
        const position = this.book.positions.get(order.closesPositionId);
        const full = !position || order.lots >= position.volume - EPS;
        const reply = await session.command({
          type: 'close',
          client_order_id: order.clientOrderId,
          ticket: order.closesPositionId,
          ...(full ? {} : { volume: order.lots }),
        });
        const result = closeResultSchema.parse(reply);
        entry.state = 'accepted';
        if (result.closed && position && !this.closedReported.has(position.ticket)) {
          this.book.positions.delete(position.ticket);
          this.reportClose(position, [closingDealFrom(result, position)]);
        }
        return { status: 'accepted', brokerOrderId: result.deal };
      }
      const reply = await session.command({
        type: 'place',
        client_order_id: order.clientOrderId,
        symbol: order.symbol,
        side: fromSide(order.side),
        volume: order.lots,
        magic: order.magic,
        ...(order.stopLoss ? { sl: order.stopLoss } : {}),
        ...(order.takeProfit ? { tp: order.takeProfit } : {}),
      });
      const result = placeResultSchema.parse(reply);
      entry.state = 'accepted';
      this.reportOpen(order.clientOrderId, { ticket: result.position, symbol: result.symbol, side: result.side, volume: result.volume, price: result.price, time: result.time, commission: -result.commission, magic: result.magic });
      return { status: 'accepted', brokerOrderId: result.position };
    } catch (error) {
      if (error instanceof CommandError) {
        entry.state = 'rejected';
        entry.reason = `${error.message}${error.retcode ? ` (retcode ${error.retcode})` : ''}`;
        if (order.closesPositionId) this.closing.delete(order.closesPositionId);
        return { status: 'rejected', reason: entry.reason };
      }
      if (error instanceof NotSentError) {
        entry.state = 'rejected';
        entry.reason = `not sent: ${error.message}`;
        return { status: 'rejected', reason: entry.reason };
      }
      entry.state = 'unknown';
      entry.reason = error instanceof NoAnswerError ? error.message : `unreadable answer: ${(error as Error).message}`;
      return { status: 'unknown', reason: entry.reason };
    }
  }

  async setProtection(_taskId: string, positionId: string, takeProfit: number | null, stopLoss: number | null): Promise<void> {
    try {
      await this.request({ type: 'modify', ticket: positionId, sl: stopLoss ?? 0, tp: takeProfit ?? 0 });
    } catch (error) {
      throw new Error(`MetaTrader did not move TP/SL of position ${positionId}: ${(error as Error).message}`);
    }
    const position = this.book.positions.get(positionId);
    if (position) this.book.positions.set(positionId, { ...position, sl: stopLoss ?? 0, tp: takeProfit ?? 0 });
  }

  /**
   * Asks the terminal what became of an order (find_order). undefined means the terminal has no trace of it.
   * Throws when there is no synchronized link: "not connected" must never be read as "never received".
   */
  async findOrder(clientOrderId: string): Promise<BrokerOrder | undefined> {
    if (!this.session?.isOpen || !this.synchronized) throw new Error(`cannot ask MetaTrader about ${clientOrderId}: ${this.describe().detail}`);
    const result = findOrderResultSchema.parse(await this.request({ type: 'find_order', client_order_id: clientOrderId }));
    const ours = this.ours.get(clientOrderId);
    if (!result.found) {
      return ours?.state === 'rejected' && !ours.reason?.startsWith('not sent') ? { clientOrderId, status: 'rejected' } : undefined;
    }
    if (result.status === 'rejected') return { clientOrderId, status: 'rejected' };
    const deal = result.deals.find((d) => d.comment === clientOrderId) ?? result.deals[0];
    const position = result.position ?? undefined;
    const ticket = deal?.position ?? position?.ticket;
    if (!ticket) return { clientOrderId, status: 'accepted' };
    const taskId = this.taskOf(clientOrderId, deal?.magic ?? position?.magic ?? 0) ?? '';
    const opens = deal ? deal.entry === 'in' : true;
    const fill: OrderFilled = {
      clientOrderId,
      positionId: ticket,
      taskId,
      symbol: (deal?.symbol ?? position?.symbol ?? '').toUpperCase(),
      side: toSide(deal?.side ?? position?.side ?? 'buy'),
      lots: deal?.volume ?? position?.volume ?? 0,
      price: deal?.price ?? position?.price_open ?? 0,
      time: deal?.time ?? position?.time ?? 0,
      commission: Math.max(0, -(deal?.commission ?? 0)),
      opens,
      ...(opens ? {} : { exitReason: exitReasonOf(deal ?? null, ours?.order.exitReason), pnl: deal ? deal.profit + deal.swap + deal.fee + deal.commission : 0 }),
    };
    return { clientOrderId, status: 'filled', fill };
  }

  /** Open positions of a task as the terminal last reported them. Throws while not synchronized (the book may be stale). */
  async positions(taskId: string): Promise<Position[]> {
    return (await this.allPositions()).filter((p) => p.taskId === taskId);
  }

  async allPositions(): Promise<Position[]> {
    if (!this.synchronized) throw new Error(`MetaTrader positions are not known right now: ${this.describe().detail}`);
    return [...this.book.positions.values()].map((p) => toPosition(p, this.taskOf(p.comment, p.magic) ?? '', this.entryCommission.get(p.ticket) ?? 0));
  }

  // ————————————————————————————————————————— MarketFeed

  subscribe(symbol: string, timeframe: Timeframe, afterTime: number | null, onBar: (bar: Candle) => Promise<void> | void): FeedSubscription {
    return this.bars.subscribe(symbol, timeframe, afterTime, onBar);
  }

  history(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Candle[] {
    return this.bars.history(symbol, timeframe, untilTime, count);
  }

  /** History straight from the terminal (the port's history() answers from what was already fetched). */
  fetchHistory(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Promise<Candle[]> {
    return this.bars.fetchHistory(symbol, timeframe, untilTime, count);
  }

  sourceOf(): FeedSource {
    return 'broker';
  }

  // ————————————————————————————————————————— BrokerConnection

  instrument(symbol: string): Instrument | undefined {
    const spec = this.book.symbol(symbol);
    return spec ? toInstrument(spec) : undefined;
  }

  state(): BrokerState {
    const status = this.describe();
    return {
      link: status.link,
      broker: status.broker,
      reconciling: Boolean(this.session?.isOpen) && (!this.synchronized || this.resuming),
      detail: status.detail,
      lastHeartbeat: iso(this.lastHeartbeatAt),
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
    return this.describe();
  }

  symbols(): Mt5SymbolInfo[] | undefined {
    if (!this.synchronized) return undefined;
    return [...this.book.symbols.values()].map((s) => ({
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
    const a = this.book.account;
    if (!this.synchronized || !a) return undefined;
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
      tradeAllowed: a.trade_allowed && this.tradeAllowed,
      updatedAt: iso(this.book.accountAt) as string,
    };
  }

  async connect(request: Mt5ConnectRequest): Promise<Mt5ConnectResult> {
    // A request may only name a terminal the app found or the owner allowed (checked before anything is changed).
    if (request.terminalPath) this.launcherOrRefuse().checkRequested(request.terminalPath);
    const warnings: string[] = [];
    try {
      await this.listen();
    } catch {
      throw new DomainError('BRIDGE_UNAVAILABLE', `The MT5 bridge cannot start: ${this.listenError}. Close the program that uses it, or set "port" in mt5-bridge.json in the data directory (and InpPort in EchoBridge)`);
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
        launcher.writeBridgeFile(this.port ?? DEFAULT_BRIDGE_PORT, this.options.token.value());
      } catch (error) {
        warnings.push(`Could not write the bridge file for EchoBridge: ${(error as Error).message}; enter InpPort and InpToken in the EA yourself`);
      }
    }

    let launched = false;
    const hello = this.session?.isOpen ? this.session.hello : undefined;
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

    if (request.waitSeconds > 0 && !this.isReady()) await this.waitForReady(request.waitSeconds * 1000);
    return { status: this.describe(), launched, passwordStored, warnings };
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
    const wasConnected = Boolean(this.session?.isOpen);
    const openPositions = this.book.positions.size;
    this.options.settings?.update({ autoStart: false });
    await this.stop(`disconnected by the user${sessionId ? ` (session ${sessionId})` : ''}`);
    this.sessionId = null;
    return { status: this.describe(), wasConnected, openPositions };
  }

  private isReady(): boolean {
    return Boolean(this.session?.isOpen) && this.synchronized && !this.resuming;
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
        if (this.isReady()) done();
      });
    });
  }

  private describe(): Mt5Status {
    const listening = this.server.listening;
    const port = this.server.port;
    const configuredPort = this.options.port ?? DEFAULT_BRIDGE_PORT;
    const shownPort = port ?? configuredPort;
    const session = this.session?.isOpen ? this.session : undefined;
    const hello = session?.hello;
    const now = this.now();
    let state: Mt5State;
    if (session) state = !this.synchronized ? 'synchronizing' : this.terminalConnected === false ? 'broker_disconnected' : 'connected';
    else if (!listening) state = this.listenError ? 'bridge_error' : 'bridge_stopped';
    else state = this.everConnected ? 'link_lost' : 'waiting_for_terminal';

    const who = hello?.account ? `account ${hello.account.login} on ${hello.account.server}` : 'no account logged in';
    const attach =
      `In MetaTrader 5: allow 127.0.0.1 under Tools → Options → Expert Advisors → "Allow WebRequest for listed URL", copy ` +
      `EchoBridge into MQL5\\Experts, drag it onto any chart with InpPort=${shownPort} and InpToken = the contents of the file ` +
      `in bridge.token_file, and switch Algo Trading on (see README, "MetaTrader 5").`;
    let detail: string;
    let setupHint: string | null = null;
    switch (state) {
      case 'bridge_stopped':
        detail = 'The MT5 bridge is not listening';
        setupHint = `POST /api/mt5/connect opens it on 127.0.0.1:${configuredPort}; then attach EchoBridge. ${attach}`;
        break;
      case 'bridge_error':
        detail = `The MT5 bridge could not start: ${this.listenError}`;
        setupHint = `Close the program that uses port ${configuredPort}, or set "port" in mt5-bridge.json in the data directory and InpPort in EchoBridge to the same free port.`;
        break;
      case 'waiting_for_terminal':
        detail = `Listening on 127.0.0.1:${shownPort}; no MetaTrader terminal has connected yet`;
        setupHint = this.lastDenied ? `An EA was refused at ${iso(this.lastDenied.at)}: ${this.lastDenied.reason}. ${attach}` : attach;
        break;
      case 'synchronizing':
        detail = `MetaTrader ${hello?.terminal.build ?? ''} connected (${who}); receiving its snapshot`;
        break;
      case 'connected':
        detail = `Connected to MetaTrader 5 build ${hello?.terminal.build ?? '?'} (${who}); the terminal is online`;
        if (!this.tradeAllowed) setupHint = 'Algo Trading is off in the terminal or for EchoBridge: switch it on, else orders are refused.';
        else if (this.book.account && this.book.account.margin_mode !== 'hedging') {
          setupHint = `This account is a ${this.book.account.margin_mode} account (one position per symbol): use a hedging account, so that each task keeps its own positions.`;
        }
        break;
      case 'broker_disconnected':
        detail = `The link to MetaTrader is up, but the terminal has lost its connection to the trade server (${who}); no orders are sent`;
        setupHint = 'Check the connection indicator at the bottom right of MetaTrader: internet, trade server or login.';
        break;
      case 'link_lost':
      default:
        detail = `The link to MetaTrader is down since ${iso(this.lastDisconnect?.at ?? now)} (${this.lastDisconnect?.reason ?? 'closed'}); waiting for EchoBridge to reconnect, it retries by itself`;
        setupHint = 'If it does not come back within a minute: is MetaTrader running, is EchoBridge still on its chart (smiling face) and Algo Trading on?';
        break;
    }
    const link: Mt5Status['link'] = session ? (this.synchronized ? 'up' : 'connecting') : listening && !this.everConnected ? 'connecting' : 'down';
    const account = this.book.account && session && this.synchronized ? this.book.account : null;
    return {
      state,
      connected: state === 'connected',
      link,
      terminal: session ? 'connected' : this.everConnected ? 'disconnected' : 'never_connected',
      broker: session ? (this.terminalConnected === null ? 'unknown' : this.terminalConnected ? 'connected' : 'disconnected') : 'unknown',
      synchronized: Boolean(session) && this.synchronized,
      detail,
      setupHint,
      lastHeartbeat: iso(this.lastHeartbeatAt),
      heartbeatAgeMs: this.lastHeartbeatAt === null ? null : Math.max(0, now - this.lastHeartbeatAt),
      bridge: { listening, host: this.options.host ?? '127.0.0.1', port, configuredPort, error: this.listenError, tokenFile: this.options.token.file },
      account: account
        ? { login: account.login, server: account.server, name: account.name, company: account.company, currency: account.currency }
        : hello?.account
          ? { login: hello.account.login, server: hello.account.server, name: hello.account.name, company: hello.account.company, currency: hello.account.currency }
          : null,
      ea: hello
        ? { version: hello.ea_version, terminalName: hello.terminal.name, terminalBuild: hello.terminal.build, terminalPath: hello.terminal.path, tradeAllowed: this.tradeAllowed }
        : null,
      sessionId: this.sessionId,
      connectedSince: session ? iso(this.connectedSince) : null,
      lastDisconnect: this.lastDisconnect ? { at: iso(this.lastDisconnect.at) as string, reason: this.lastDisconnect.reason } : null,
      lastDenied: this.lastDenied ? { at: iso(this.lastDenied.at) as string, reason: this.lastDenied.reason } : null,
      counters: {
        connections: this.connections,
        resyncs: this.gate.resyncs,
        duplicatesIgnored: this.gate.duplicates,
        reordered: this.gate.reordered,
        denied: this.denied,
      },
      openPositions: this.synchronized && session ? this.book.positions.size : null,
    };
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The closing deal as the close command's reply describes it. */
function closingDealFrom(result: ReturnType<typeof closeResultSchema.parse>, position: Mt5PositionWire): Mt5DealWire {
  return {
    ticket: result.deal,
    order: result.order,
    position: position.ticket,
    symbol: position.symbol,
    side: position.side === 'buy' ? 'sell' : 'buy',
    entry: 'out',
    volume: result.volume,
    price: result.price,
    time: result.time,
    commission: result.commission,
    swap: result.swap,
    fee: 0,
    profit: result.profit,
    magic: position.magic,
    comment: result.client_order_id,
    reason: 'expert',
  };
}

/** A position as we knew it from its opening fill (it opened and closed while the link was down). */
function wireFromFill(fill: OrderFilled, ticket: string): Mt5PositionWire {
  return {
    ticket,
    symbol: fill.symbol,
    side: fromSide(fill.side),
    volume: fill.lots,
    price_open: fill.price,
    time: fill.time,
    sl: 0,
    tp: 0,
    magic: 0,
    comment: fill.clientOrderId,
    swap: 0,
    profit: 0,
    price_current: 0,
  };
}
