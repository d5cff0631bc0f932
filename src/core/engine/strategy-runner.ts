import { normalizeLots, type Instrument } from '../domain/instruments';
import { positionPnl } from '../domain/position-pnl';
import type { ClosedTrade, ExitReason, OrderFilled, Position, RiskDenial, Side, SubmitOrder } from '../domain/trading';
import type { BarsView, OrderOptions, PendingOpen, Strategy, StrategyContext, StrategySignal } from '../strategies/strategy';
import type { OrderPolicy } from './order-policy';

/** Where the runner's orders go: the simulated exchange in a backtest, the order manager (journal + broker) live. */
export interface OrderRouter {
  submit(order: SubmitOrder, time: number, closeBid: number): void;
  setProtection(positionId: string, takeProfit: number | null, stopLoss: number | null): void;
}

export type EngineEvent =
  | { type: 'OrderSubmitted'; order: SubmitOrder }
  | { type: 'OrderDenied'; taskId: string; side: Side; lots: number; denial: RiskDenial; time: number }
  | { type: 'OrderFilled'; fill: OrderFilled }
  | { type: 'PositionClosed'; trade: ClosedTrade }
  | { type: 'RiskBreached'; taskId: string; code: RiskDenial['code']; message: string; time: number; floatingPnl: number; limit: number }
  | { type: 'TaskPaused'; taskId: string; reason: string; time: number };

/** A signal the strategy reported on a live bar, with what became of it. */
export interface RaisedSignal extends StrategySignal {
  taskId: string;
  symbol: string;
  /** Open time (epoch ms) of the bar the strategy decided on. */
  time: number;
  /** That bar's close: the price the decision saw. */
  price: number;
  /** acted: an order was sent for it; filtered: none was (outcomeReason says why). */
  outcome: 'acted' | 'filtered';
  outcomeReason: string | null;
  /** The opening order sent for it (= the id of the position it opens). */
  clientOrderId: string | null;
}

/**
 * Account-wide rules laid over a task's opening orders (paper trading: each position sized as a % of the account's
 * equity, at most N positions open across the account; TP/SL left to the strategy or not placed at all).
 */
export interface AccountRules {
  /** Before every opening order: the lots to send instead of the strategy's, or a denial. */
  admit(order: { side: Side; lots: number; price: number }): number | RiskDenial;
  /** false: take-profits and stop-losses are not placed with the broker (positions close only by order). */
  protection: boolean;
}

export interface RunnerOptions {
  taskId: string;
  /** Short, stable, unique per task: it prefixes every client order id (≤ 31 chars to fit an MT5 comment). */
  orderIdPrefix: string;
  instrument: Instrument;
  capital: number;
  magic: number;
  strategy: Strategy;
  router: OrderRouter;
  /** quote → account currency at a price. */
  accountRate: (price: number) => number;
  /** The pair allocation's floating-loss threshold (% of capital): crossing it closes everything and pauses the task. */
  floatingLossThresholdPct?: number | null;
  onEvent?: (event: EngineEvent) => void;
  /** Direction filter and sizing laid over the strategy's opening orders (a backtest's settings); none = as the strategy says. */
  policy?: OrderPolicy;
  /** Receives the signals of live bars (none during warm-up); without it signals are not kept. */
  onSignal?: (signal: RaisedSignal) => void;
  /** Account-wide rules over opening orders (see AccountRules). */
  account?: AccountRules;
}

/**
 * Runs one strategy for one task: it is the StrategyContext the strategy sees, checks every order against the
 * risk rules before routing it, and watches the floating-loss threshold after every bar.
 * Client order ids are derived from the bar and a per-bar sequence, so replaying a bar after a crash produces
 * the same ids and the journal recognises orders it has already sent.
 */
export class StrategyRunner implements StrategyContext {
  readonly positions: Position[] = [];
  readonly trades: ClosedTrade[] = [];
  realizedPnl = 0;
  paused: string | null = null;
  /** While warming up after a (re)start, the strategy sees history but its orders go nowhere. */
  dryRun = false;
  /** Orders this runner routed that have neither filled nor been cancelled: client order id → position it closes. */
  private readonly outstanding = new Map<string, string | undefined>();
  /** The opening orders among them, oldest first (what a strategy taking over after a restart must count). */
  readonly pendingOpens: PendingOpen[] = [];
  /** Positions with a close order outstanding: a second close must not be sent (on a netting account or a spot
   * exchange it would open the opposite position). */
  private readonly closing = new Set<string>();
  /** Take-profit/stop-loss asked for by orders not filled yet, keyed by client order id. */
  private readonly protectionOf = new Map<string, { takeProfit: number | null; stopLoss: number | null }>();
  /** Positions the trader opened by hand (manual orders): the strategy is not told of their fills and closes. */
  private readonly manualPositions = new Set<string>();
  private lastTime = 0;
  private lastClose = Number.NaN;
  private seq = 0;
  /** Opening decisions of the current bar per side: the intent part of their decision keys. */
  private opensThisBar = { BUY: 0, SELL: 0 };
  /** Signals reported during the current bar, resolved by the orders that follow them. */
  private signals: RaisedSignal[] = [];

  constructor(private readonly options: RunnerOptions) {}

  get taskId(): string {
    return this.options.taskId;
  }
  get instrument(): Instrument {
    return this.options.instrument;
  }
  get capital(): number {
    return this.options.capital;
  }
  get magic(): number {
    return this.options.magic;
  }
  get pendingOrders(): number {
    return this.outstanding.size;
  }

  /**
   * What the strategy is handed: the runner itself, or — while the trader holds positions opened by hand — a view
   * without them, so the strategy neither counts them (grid limits, its floating P&L) nor closes them with its own
   * exits. Risk exits (the floating-loss threshold) still close every position of the task.
   */
  private strategyContext(): StrategyContext {
    if (this.manualPositions.size === 0) return this;
    const runner = this;
    const own = () => runner.positions.filter((p) => !runner.manualPositions.has(p.id));
    return {
      taskId: runner.taskId,
      instrument: runner.instrument,
      capital: runner.capital,
      magic: runner.magic,
      get positions() {
        return own();
      },
      get pendingOrders() {
        return runner.pendingOrders;
      },
      get pendingOpens() {
        return runner.pendingOpens;
      },
      floatingPnl: () => runner.floatingPnl(own()),
      buy: (lots, options) => runner.buy(lots, options),
      sell: (lots, options) => runner.sell(lots, options),
      close: (positionId, reason, note) => {
        if (!runner.manualPositions.has(positionId)) runner.close(positionId, reason, note);
      },
      closeAll: (reason, note) => {
        for (const p of own()) runner.close(p.id, reason, note);
      },
      setProtection: (positionId, takeProfit, stopLoss) => {
        if (!runner.manualPositions.has(positionId)) runner.setProtection(positionId, takeProfit, stopLoss);
      },
      signal: (signal) => runner.signal(signal),
    };
  }

  /** The strategy's current indicator values (z-score, TP, next grid level, ...) for charts; {} if it has none. */
  indicators(): Record<string, number | null> {
    return this.options.strategy.indicators?.() ?? {};
  }

  /** Call after the exchange processed bar `index` (fills, protection); runs risk checks, then the strategy. */
  onBar(bars: BarsView, index: number): void {
    const time = bars.time[index] as number;
    if (time !== this.lastTime) {
      this.seq = 0;
      this.opensThisBar.BUY = 0;
      this.opensThisBar.SELL = 0;
    }
    this.lastTime = time;
    this.lastClose = bars.close[index] as number;
    // Checked here, not in the callee: a call per bar with a double argument would box it (an allocation per bar).
    if (this.positions.length > 0 && !this.dryRun && this.options.floatingLossThresholdPct != null) this.watchFloatingLoss(time);
    this.options.strategy.onBar(bars, index, this.strategyContext());
    if (this.signals.length > 0) this.flushSignals();
  }

  signal(signal: StrategySignal): void {
    if (this.dryRun || !this.options.onSignal) return;
    this.signals.push({
      ...signal,
      taskId: this.options.taskId,
      symbol: this.options.instrument.symbol,
      time: this.lastTime,
      price: this.lastClose,
      outcome: signal.filtered ? 'filtered' : 'acted',
      outcomeReason: signal.filtered ?? null,
      clientOrderId: null,
    });
  }

  /** The bar is done: signals no order followed are filtered; all go to onSignal. */
  private flushSignals(): void {
    const signals = this.signals;
    this.signals = [];
    for (const s of signals) {
      if (s.outcome === 'acted' && s.clientOrderId === null) {
        s.outcome = 'filtered';
        s.outcomeReason = 'the strategy sent no order for it';
      }
      this.options.onSignal?.(s);
    }
  }

  /** The signal of this bar an opening order of `side` answers: the latest one not yet resolved. */
  private openSignal(side: Side): RaisedSignal | undefined {
    for (let i = this.signals.length - 1; i >= 0; i--) {
      const s = this.signals[i] as RaisedSignal;
      if (s.side === side && s.outcome === 'acted' && s.clientOrderId === null) return s;
    }
    return undefined;
  }

  applyFilled(fill: OrderFilled): void {
    // Only our own orders leave the outstanding set: a take-profit or stop close reported by the broker was never one.
    this.outstanding.delete(fill.clientOrderId);
    if (fill.opens) this.forgetPendingOpen(fill.clientOrderId);
    if (!fill.opens) this.closing.delete(fill.positionId);
    if (fill.opens) {
      const protection = this.protectionOf.get(fill.clientOrderId);
      this.protectionOf.delete(fill.clientOrderId);
      this.positions.push({
        id: fill.positionId,
        taskId: fill.taskId,
        symbol: fill.symbol,
        side: fill.side,
        lots: fill.lots,
        entryPrice: fill.price,
        entryTime: fill.time,
        takeProfit: protection?.takeProfit ?? null,
        stopLoss: protection?.stopLoss ?? null,
        magic: this.options.magic,
        clientOrderId: fill.clientOrderId,
        commission: fill.commission,
      });
    }
    this.options.onEvent?.({ type: 'OrderFilled', fill });
    if (!this.manualPositions.has(fill.positionId)) this.options.strategy.onFilled?.(fill, this.strategyContext());
  }

  /** An order that will not fill (its position was already closed by a take-profit in the same bar, or a broker refusal). */
  applyCancelled(clientOrderId: string): void {
    const closes = this.outstanding.get(clientOrderId);
    this.outstanding.delete(clientOrderId);
    this.forgetPendingOpen(clientOrderId);
    if (closes !== undefined) this.closing.delete(closes);
    this.protectionOf.delete(clientOrderId);
    this.manualPositions.delete(clientOrderId);
  }

  applyClosed(trade: ClosedTrade): void {
    const index = this.positions.findIndex((p) => p.id === trade.positionId);
    if (index !== -1) this.positions.splice(index, 1);
    this.closing.delete(trade.positionId);
    this.realizedPnl += trade.pnl;
    this.trades.push(trade);
    this.options.onEvent?.({ type: 'PositionClosed', trade });
    if (!this.manualPositions.delete(trade.positionId)) this.options.strategy.onClosed?.(trade, this.strategyContext());
  }

  /**
   * An order sent before a restart that has not filled yet: it still counts as pending, and an opening one is among
   * the `pendingOpens` a strategy taking over its series counts with its positions.
   */
  restoreOutstanding(order: SubmitOrder): void {
    if (this.outstanding.has(order.clientOrderId)) return;
    this.outstanding.set(order.clientOrderId, order.closesPositionId);
    if (order.closesPositionId !== undefined) this.closing.add(order.closesPositionId);
    else this.pendingOpens.push({ clientOrderId: order.clientOrderId, side: order.side, lots: order.lots });
  }

  private forgetPendingOpen(clientOrderId: string): void {
    if (this.pendingOpens.length === 0) return;
    const index = this.pendingOpens.findIndex((o) => o.clientOrderId === clientOrderId);
    if (index !== -1) this.pendingOpens.splice(index, 1);
  }

  /** Positions restored from the broker after a restart, before the first bar. */
  restorePosition(position: Position): void {
    this.positions.push({ ...position });
  }

  floatingPnl(positions: readonly Position[] = this.positions): number {
    if (Number.isNaN(this.lastClose)) return 0;
    const { instrument, accountRate } = this.options;
    let total = 0;
    for (const p of positions) {
      const exit = this.lastClose;
      total += positionPnl(p, instrument.contractSize, exit, accountRate(exit)) - p.commission;
    }
    return total;
  }

  buy(lots: number, options?: OrderOptions): string | undefined {
    return this.open('BUY', lots, options);
  }

  sell(lots: number, options?: OrderOptions): string | undefined {
    return this.open('SELL', lots, options);
  }

  close(positionId: string, reason: ExitReason, note?: string): void {
    const position = this.positions.find((p) => p.id === positionId);
    if (!position || this.closing.has(positionId)) return;
    this.closing.add(positionId);
    this.route({
      clientOrderId: this.nextOrderId(),
      taskId: this.options.taskId,
      symbol: this.options.instrument.symbol,
      side: position.side === 'BUY' ? 'SELL' : 'BUY',
      lots: position.lots,
      closesPositionId: position.id,
      magic: this.options.magic,
      reason: note ?? reason,
      exitReason: reason,
      decidedAt: this.lastTime,
      decisionKey: this.decisionKey(`close:${position.id}`),
    });
  }

  closeAll(reason: ExitReason, note?: string): void {
    for (const p of [...this.positions]) this.close(p.id, reason, note);
  }

  setProtection(positionId: string, takeProfit: number | null, stopLoss: number | null): void {
    const position = this.positions.find((p) => p.id === positionId);
    if (!position || this.options.account?.protection === false) return;
    position.takeProfit = takeProfit;
    position.stopLoss = stopLoss;
    this.options.router.setProtection(positionId, takeProfit, stopLoss);
  }

  pause(reason: string): void {
    this.paused = reason;
    this.options.onEvent?.({ type: 'TaskPaused', taskId: this.options.taskId, reason, time: this.lastTime });
  }

  private open(side: Side, requestedLots: number, options?: OrderOptions): string | undefined {
    if (this.dryRun) return undefined;
    const signal = this.signals.length > 0 ? this.openSignal(side) : undefined;
    // The levels the strategy asked for stay on its signal, even where the account places none.
    const asked = options;
    const account = this.options.account;
    if (account) {
      const admitted = account.admit({ side, lots: requestedLots, price: this.lastClose });
      if (typeof admitted !== 'number') return this.deny(side, requestedLots, admitted, signal);
      // The account sizes the strategy's orders; a trader's manual order keeps the lots the trader chose.
      if (options?.clientOrderId === undefined) requestedLots = admitted;
      if (!account.protection && options) options = { ...options, takeProfit: null, stopLoss: null };
    }
    const policy = this.options.policy;
    let denial: RiskDenial | undefined;
    let lots: number;
    if (policy === undefined) {
      denial = this.check(requestedLots);
      lots = normalizeLots(this.options.instrument, requestedLots);
    } else {
      denial = policy.directionDenial(side);
      const sized = denial ? requestedLots : policy.lots(requestedLots, this.sizingContext());
      if (policy.fractional) {
        denial ??= sized > 0 ? this.check(sized, true) : { code: 'LOT_TOO_SMALL', message: `The sizing rule gave no quantity to trade (${side})` };
        lots = sized;
      } else {
        denial ??= this.check(sized);
        lots = normalizeLots(this.options.instrument, sized);
      }
      requestedLots = sized;
    }
    if (denial) return this.deny(side, requestedLots, denial, signal);
    const clientOrderId = options?.clientOrderId ?? this.nextOrderId();
    if (options?.clientOrderId !== undefined) this.manualPositions.add(clientOrderId);
    if (signal) {
      signal.clientOrderId = clientOrderId;
      if (signal.take_profit === undefined) signal.take_profit = asked?.takeProfit ?? null;
      if (signal.stop_loss === undefined) signal.stop_loss = asked?.stopLoss ?? null;
    }
    if (options?.takeProfit != null || options?.stopLoss != null) {
      this.protectionOf.set(clientOrderId, { takeProfit: options.takeProfit ?? null, stopLoss: options.stopLoss ?? null });
    }
    this.route({
      clientOrderId,
      taskId: this.options.taskId,
      symbol: this.options.instrument.symbol,
      side,
      lots,
      takeProfit: options?.takeProfit ?? null,
      stopLoss: options?.stopLoss ?? null,
      magic: this.options.magic,
      reason: options?.reason ?? `${side} signal`,
      decidedAt: this.lastTime,
      // A trader's manual order (its own id) is not a decision of the strategy on a bar: it has no decision key.
      ...(options?.clientOrderId === undefined ? { decisionKey: this.decisionKey(`open:${side}:${this.opensThisBar[side]++}`) } : {}),
    });
    return clientOrderId;
  }

  private deny(side: Side, lots: number, denial: RiskDenial, signal: RaisedSignal | undefined): undefined {
    if (signal) {
      signal.outcome = 'filtered';
      signal.outcomeReason = `${denial.code}: ${denial.message}`;
    }
    this.options.onEvent?.({ type: 'OrderDenied', taskId: this.options.taskId, side, lots, denial, time: this.lastTime });
    return undefined;
  }

  private sizingContext() {
    return {
      price: this.lastClose,
      equity: () => this.options.capital + this.realizedPnl + this.floatingPnl(),
      // A position with a close order in flight (a reversal) frees its money: it is not committed any more.
      positions: this.closing.size > 0 ? this.positions.filter((p) => !this.closing.has(p.id)) : this.positions,
    };
  }

  /** The risk engine's order checks: paused tasks, lot limits. Every denial carries a code. */
  private check(lots: number, fractional = false): RiskDenial | undefined {
    const { instrument } = this.options;
    if (this.paused) return { code: 'TASK_PAUSED', message: `The task is paused: ${this.paused}` };
    if (!fractional && !(lots >= instrument.minLot - 1e-12)) {
      return { code: 'LOT_TOO_SMALL', message: `${lots} lots is below ${instrument.symbol}'s minimum of ${instrument.minLot}` };
    }
    if (lots > instrument.maxLot + 1e-12) {
      return { code: 'LOT_TOO_LARGE', message: `${lots} lots is above ${instrument.symbol}'s maximum of ${instrument.maxLot}` };
    }
    if (!(this.options.capital > 0)) {
      return { code: 'INSUFFICIENT_CAPITAL', message: 'The task has no capital to trade with' };
    }
    return undefined;
  }

  private route(order: SubmitOrder): void {
    if (this.dryRun) {
      if (order.closesPositionId !== undefined) this.closing.delete(order.closesPositionId);
      return;
    }
    this.outstanding.set(order.clientOrderId, order.closesPositionId);
    if (order.closesPositionId === undefined) this.pendingOpens.push({ clientOrderId: order.clientOrderId, side: order.side, lots: order.lots });
    this.options.onEvent?.({ type: 'OrderSubmitted', order });
    this.options.router.submit(order, this.lastTime, this.lastClose);
  }

  /** (task, bar, intent): the same decision on the same bar gives the same key, whatever client order id it got. */
  private decisionKey(intent: string): string {
    return `${this.options.taskId}:${this.lastTime}:${intent}`;
  }

  private nextOrderId(): string {
    return `${this.options.orderIdPrefix}-${Math.floor(this.lastTime / 1000).toString(36)}-${(this.seq++).toString(36)}`;
  }

  private watchFloatingLoss(time: number): void {
    const threshold = this.options.floatingLossThresholdPct;
    if (threshold === null || threshold === undefined || this.paused) return;
    const floating = this.floatingPnl();
    const limit = (this.options.capital * threshold) / 100;
    if (-floating < limit) return;
    const lossPct = (-floating / this.options.capital) * 100;
    const message =
      `${this.options.instrument.symbol}: floating loss ${lossPct.toFixed(2)}% of ${this.options.capital.toFixed(2)} ` +
      `crossed the ${threshold}% threshold; all positions closed and the task paused`;
    this.options.onEvent?.({ type: 'RiskBreached', taskId: this.options.taskId, code: 'FLOATING_LOSS_THRESHOLD', message, time, floatingPnl: floating, limit });
    this.closeAll('floating_loss_threshold', message);
    this.pause(message);
  }
}
