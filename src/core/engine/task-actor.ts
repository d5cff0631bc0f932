import type { Candle } from '../domain/candles';
import { quoteToAccountRate, type Instrument } from '../domain/instruments';
import type { ClosedTrade, OrderFilled, SubmitOrder } from '../domain/trading';
import type { SimulatedBroker } from '../ports/execution-client';
import type { FeedSubscription, MarketFeed } from '../ports/market-feed';
import type { Severity } from '../ports/notifier';
import type { TaskRecord, TradingRepository } from '../ports/trading-repository';
import type { Strategy } from '../strategies/strategy';
import { BarBuffer } from './bar-buffer';
import { StrategyRunner, type EngineEvent } from './strategy-runner';

export interface ActorEvent {
  type: string;
  severity: Severity;
  taskId: number;
  code: string | null;
  message: string;
  data?: unknown;
  /** Worth a desktop notification (fills, take-profits, risk breaches). */
  notify?: { title: string; kind: string };
}

export interface TaskActorDeps {
  repo: TradingRepository;
  broker: SimulatedBroker;
  feed: MarketFeed;
  warmUpBars: number;
  /** Called after each committed bar with what happened in it. */
  publish(events: ActorEvent[]): void;
  /** The task ended on an error: the kernel marks it failed and forgets the actor. */
  onFailed(task: TaskRecord, error: unknown): void;
}

const fmt = (n: number, digits: number) => n.toFixed(digits);

/**
 * One trading task, live: bars from the feed go through the paper broker (fills, take-profits, stops), then to the
 * strategy; its orders are journaled, then sent. Each bar is one database transaction — the broker's book, the
 * journal, positions, trades, events and the task's resume point — so a crash leaves the state of the last whole bar.
 */
export class TaskActor {
  readonly runner: StrategyRunner;
  private readonly bars = new BarBuffer();
  private subscription: FeedSubscription | undefined;
  private pendingEvents: ActorEvent[] = [];
  private stopped = false;
  private drawdownReportedFor: number | undefined;
  lastBar: Candle | undefined;

  constructor(
    readonly task: TaskRecord,
    private readonly instrument: Instrument,
    strategy: Strategy,
    private readonly deps: TaskActorDeps,
  ) {
    const taskId = String(task.id);
    this.runner = new StrategyRunner({
      taskId,
      orderIdPrefix: task.orderIdPrefix,
      instrument,
      capital: task.capital,
      magic: task.magic,
      strategy,
      router: {
        submit: (order) => this.send(order),
        setProtection: (positionId, tp, sl) => {
          void deps.broker.setProtection(taskId, positionId, tp, sl);
          const position = this.runner.positions.find((p) => p.id === positionId);
          if (position) deps.repo.upsertPosition(position);
        },
      },
      // The kernel only starts tasks whose quote converts to the account currency by itself (USD-quoted or USD-based).
      accountRate: (price) => quoteToAccountRate(instrument, 'USD', price) ?? Number.NaN,
      floatingLossThresholdPct: task.floatingLossThresholdPct,
      onEvent: (event) => this.onEngineEvent(event),
    });
  }

  get source(): string {
    return this.subscription?.source ?? this.deps.feed.sourceOf(this.task.pair, this.task.timeframe);
  }

  /** Reconciles with the broker, warms the strategy up on history, then follows the feed from the resume point. */
  start(): { reconciled: string[] } {
    const { repo, broker, feed } = this.deps;
    const taskId = String(this.task.id);
    broker.openBook(taskId, this.instrument);
    broker.setListener(taskId, {
      onFilled: (fill) => this.onFilled(fill),
      onClosed: (trade) => this.onClosed(trade),
      onCancelled: (clientOrderId, reason) => this.onCancelled(clientOrderId, reason),
    });
    const reconciled = repo.transaction(() => this.reconcile());

    const history = feed.history(this.task.pair, this.task.timeframe, this.task.lastBarTime, this.deps.warmUpBars);
    this.runner.dryRun = true;
    for (const bar of history) {
      const i = this.bars.push(bar);
      this.runner.onBar(this.bars, i);
    }
    this.runner.dryRun = false;
    this.lastBar = history.at(-1);
    const resumeAfter = this.task.lastBarTime ?? this.lastBar?.time ?? null;
    this.subscription = feed.subscribe(this.task.pair, this.task.timeframe, resumeAfter, (bar) => this.onBar(bar));
    return { reconciled };
  }

  /**
   * Before a task resumes, the broker's book is the truth: its positions replace the engine's view, orders the
   * journal wrote but never confirmed are resolved by asking the broker by client order id — never by resending.
   */
  private reconcile(): string[] {
    const { repo, broker } = this.deps;
    const taskId = String(this.task.id);
    const notes: string[] = [];
    for (const entry of repo.listJournal({ taskId: this.task.id, statuses: ['journaled', 'unknown', 'submitted'] })) {
      const known = broker.findOrderNow(entry.clientOrderId);
      if (!known) {
        repo.setJournalStatus(entry.clientOrderId, 'cancelled', { error: 'never reached the broker before the app stopped' });
        notes.push(`${entry.clientOrderId}: never reached the broker; cancelled`);
      } else if (known.status === 'filled') {
        repo.setJournalStatus(entry.clientOrderId, 'filled', { ...(known.fill ? { fillPrice: known.fill.price, filledAt: known.fill.time } : {}) });
      } else if (known.status === 'accepted') {
        if (entry.status !== 'submitted') repo.setJournalStatus(entry.clientOrderId, 'submitted');
        this.runner.restoreOutstanding(entry);
      } else {
        repo.setJournalStatus(entry.clientOrderId, known.status);
      }
    }
    const held = broker.positionsNow(taskId);
    const heldIds = new Set(held.map((p) => p.id));
    for (const mine of repo.listPositions({ taskId: this.task.id })) {
      if (!heldIds.has(mine.id)) {
        repo.deletePosition(mine.id);
        notes.push(`position ${mine.id} is no longer held by the broker; removed`);
      }
    }
    for (const position of held) {
      repo.upsertPosition(position);
      this.runner.restorePosition(position);
    }
    if (notes.length) {
      repo.recordEvent({ type: 'TaskReconciled', severity: 'warning', taskId: this.task.id, code: 'RECONCILED', message: notes.join('; ') });
    }
    return notes;
  }

  private async onBar(bar: Candle): Promise<void> {
    if (this.stopped) return;
    const { repo, broker } = this.deps;
    try {
      repo.transaction(() => {
        const i = this.bars.push(bar);
        this.lastBar = bar;
        broker.onMarketBar(String(this.task.id), bar);
        this.runner.onBar(this.bars, i);
        repo.setTaskLastBar(this.task.id, bar.time);
        for (const event of this.pendingEvents) {
          repo.recordEvent({ type: event.type, severity: event.severity, taskId: event.taskId, code: event.code, message: event.message, data: event.data });
        }
        if (this.runner.paused && this.task.status === 'running') {
          repo.setTaskStatus(this.task.id, 'paused', this.runner.paused);
          this.task.status = 'paused';
          this.task.statusReason = this.runner.paused;
        }
      });
    } catch (error) {
      this.pendingEvents = [];
      this.stop();
      this.deps.onFailed(this.task, error);
      return;
    }
    const events = this.pendingEvents;
    this.pendingEvents = [];
    if (events.length) this.deps.publish(events);
  }

  /** Stops following the feed; with `flatten`, closes the task's positions at the last price first. */
  stop(flatten?: { reason: 'task_stopped' | 'manual' }): void {
    this.stopped = true;
    this.subscription?.stop();
    if (flatten && this.lastBar) {
      const bar = this.lastBar;
      this.deps.repo.transaction(() => {
        this.deps.broker.flatten(String(this.task.id), bar.time, bar.close, flatten.reason);
        for (const event of this.pendingEvents) {
          this.deps.repo.recordEvent({ type: event.type, severity: event.severity, taskId: event.taskId, code: event.code, message: event.message });
        }
      });
      const events = this.pendingEvents;
      this.pendingEvents = [];
      if (events.length) this.deps.publish(events);
    }
    this.deps.broker.closeBook(String(this.task.id));
  }

  /** Journal first, then the broker: an order the app decided is on disk before it can reach the market. */
  private send(order: SubmitOrder): void {
    const { repo, broker } = this.deps;
    const existing = repo.findJournalEntry(order.clientOrderId);
    if (existing && existing.status !== 'journaled' && existing.status !== 'unknown') return;
    if (!existing) repo.journalIntent(order);
    const outcome = broker.submitNow(order);
    if (outcome.status === 'accepted') {
      repo.setJournalStatus(order.clientOrderId, 'submitted', { brokerOrderId: outcome.brokerOrderId ?? null });
    } else {
      repo.setJournalStatus(order.clientOrderId, outcome.status === 'rejected' ? 'rejected' : 'unknown', { error: outcome.reason });
      if (outcome.status === 'rejected') {
        this.runner.applyCancelled(order.clientOrderId);
        this.emit({ type: 'OrderRejected', severity: 'warning', code: 'ORDER_REJECTED', message: `${order.side} ${order.lots} ${order.symbol} rejected: ${outcome.reason}` });
      }
    }
  }

  private onFilled(fill: OrderFilled): void {
    const { repo } = this.deps;
    if (repo.findJournalEntry(fill.clientOrderId)) {
      repo.setJournalStatus(fill.clientOrderId, 'filled', { fillPrice: fill.price, filledAt: fill.time });
    }
    if (fill.opens) {
      this.runner.applyFilled(fill);
      const position = this.runner.positions.find((p) => p.id === fill.positionId);
      if (position) repo.upsertPosition(position);
    } else {
      repo.deletePosition(fill.positionId);
      this.runner.applyFilled(fill);
    }
  }

  private onClosed(trade: ClosedTrade): void {
    this.deps.repo.insertTrade(trade);
    this.runner.applyClosed(trade);
  }

  private onCancelled(clientOrderId: string, reason: string): void {
    if (this.deps.repo.findJournalEntry(clientOrderId)) this.deps.repo.setJournalStatus(clientOrderId, 'cancelled', { error: reason });
    this.runner.applyCancelled(clientOrderId);
  }

  private emit(event: Omit<ActorEvent, 'taskId'>): void {
    this.pendingEvents.push({ ...event, taskId: this.task.id });
  }

  private onEngineEvent(event: EngineEvent): void {
    const { pair, timeframe } = this.task;
    const digits = this.instrument.digits;
    switch (event.type) {
      case 'OrderFilled': {
        const f = event.fill;
        if (f.opens) {
          this.emit({
            type: 'OrderFilled', severity: 'info', code: null,
            message: `${f.side} ${f.lots} ${pair} filled at ${fmt(f.price, digits)} (${timeframe})`,
            data: { clientOrderId: f.clientOrderId, price: f.price, lots: f.lots, side: f.side, time: f.time },
            notify: { title: `${pair} ${f.side} filled`, kind: 'fill' },
          });
        }
        break;
      }
      case 'PositionClosed': {
        const t = event.trade;
        const takeProfit = t.exitReason === 'take_profit' || t.exitReason === 'series_take_profit';
        this.emit({
          type: 'PositionClosed', severity: 'info', code: t.exitReason,
          message: `${pair} ${t.side} ${t.lots} closed at ${fmt(t.exitPrice, digits)} (${t.exitReason.replace(/_/g, ' ')}): ${t.pnl >= 0 ? '+' : ''}${t.pnl.toFixed(2)}`,
          data: { positionId: t.positionId, pnl: t.pnl, exitReason: t.exitReason, time: t.exitTime },
          ...(takeProfit ? { notify: { title: `${pair} take-profit`, kind: 'take_profit' } } : {}),
        });
        // One breach event per force-close, not one per position of the series.
        if (t.exitReason === 'max_drawdown' && this.drawdownReportedFor !== t.exitTime) {
          this.drawdownReportedFor = t.exitTime;
          this.emit({
            type: 'RiskBreached', severity: 'critical', code: 'MAX_DRAWDOWN',
            message: `${pair} ${timeframe}: the series reached max_drawdown_percent of the task's capital and was force-closed`,
            data: { positionId: t.positionId, pnl: t.pnl },
            notify: { title: `Max drawdown hit on ${pair}`, kind: 'risk_breach' },
          });
        }
        break;
      }
      case 'RiskBreached':
        this.emit({
          type: 'RiskBreached', severity: 'critical', code: event.code, message: event.message,
          data: { floatingPnl: event.floatingPnl, limit: event.limit },
          notify: { title: `Risk limit hit on ${pair}`, kind: 'risk_breach' },
        });
        break;
      case 'OrderDenied':
        this.emit({ type: 'OrderDenied', severity: 'warning', code: event.denial.code, message: event.denial.message });
        break;
      case 'TaskPaused':
        this.emit({ type: 'TaskPaused', severity: 'warning', code: 'TASK_PAUSED', message: event.reason, notify: { title: `${pair} ${timeframe} paused`, kind: 'task' } });
        break;
      case 'OrderSubmitted':
        break;
    }
  }
}
