import type { Candle } from '../domain/candles';
import { accountRate } from '../domain/account-currency';
import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, OrderFilled, Side, SubmitOrder } from '../domain/trading';
import type { ExecutionClient } from '../ports/execution-client';
import type { FeedSubscription, MarketFeed } from '../ports/market-feed';
import type { PublishedEvent } from '../ports/domain-events';
import type { TaskRecord, TradingRepository } from '../ports/trading-repository';
import type { Strategy } from '../strategies/strategy';
import { DomainError } from '../../shared/contract/errors';
import { BarBuffer } from './bar-buffer';
import { manualLotsProblem, marketClosedReason } from './manual-order';
import { orderGatewayFor, type OrderGateway } from './order-gateway';
import { StrategyRunner, type AccountRules, type EngineEvent, type RaisedSignal } from './strategy-runner';
import { eventsOfEngineEvent, reconcileNotes, taskEvents, type TaskEventDraft } from './task-messages';
import { testFaults } from './test-faults';

/** A domain event of this task (core/domain/domain-events.ts); stored in the bar's transaction, so it carries its id. */
export type ActorEvent = PublishedEvent & { taskId: number };

export interface TaskActorDeps {
  repo: TradingRepository;
  /** Where orders go. The paper broker is a SimulatedBroker: its fills join the bar's transaction. */
  execution: ExecutionClient;
  feed: MarketFeed;
  warmUpBars: number;
  /** Called after each committed bar with what happened in it. */
  publish(events: ActorEvent[]): void;
  /** The task ended on an error: the kernel marks it failed and forgets the actor. */
  onFailed(task: TaskRecord, error: unknown): void;
  /** Signals the strategy reports on live bars, called inside the bar's transaction (the signals API stores them). */
  onSignal?: (signal: RaisedSignal) => void;
  /** Account-wide rules over the task's opening orders (paper trading). */
  account?: AccountRules;
}

export { isSimulatedBroker } from './order-gateway';

/** How long an order may go unanswered before its outcome is resolved by asking the broker. */
const UNKNOWN_RESOLVE_DELAY_MS = 2_000;

/**
 * One trading task, live: bars from the feed reach the strategy; its orders are journaled, then sent.
 *
 * On the paper broker each bar is one database transaction — the broker's book (its fills at this bar's open), the
 * journal, positions, trades, events and the task's resume point — so a crash leaves the state of the last whole bar.
 * On a real broker (ccxt, MT5) the intent is committed to the journal before the order leaves; fills arrive later
 * and are recorded as they come; an order whose answer was lost is resolved by asking the broker for its client
 * order id, never by sending it again.
 */
export class TaskActor {
  readonly runner: StrategyRunner;
  private readonly bars = new BarBuffer();
  private subscription: FeedSubscription | undefined;
  private pendingEvents: ActorEvent[] = [];
  private stopped = false;
  /** The max-drawdown force-close already reported (one breach event per force-close). */
  private readonly drawdown: { reportedFor: number | undefined } = { reportedFor: undefined };
  /** Orders journaled during the current bar, sent once the bar's transaction committed (real brokers). */
  private outbox: SubmitOrder[] = [];
  /** Set while the broker's link is down or being reconciled: the strategy still sees bars but sends nothing. */
  private holdReason: string | null = null;
  /** Paper or a real broker: where the few differences between them live (order-gateway.ts). */
  private readonly gateway: OrderGateway;
  /** Orders of the last bar found journaled but never sent at reconcile (real brokers); see sendUnsentIfCurrent. */
  private unsent: SubmitOrder[] = [];
  /** Orders sent whose answer was lost (real brokers): resolved with the broker before the strategy decides again. */
  private readonly unresolved = new Map<string, SubmitOrder>();
  /** Set for a bar that arrived while such an order could not be resolved: its decisions are held, not sent. */
  private unknownHold: string | null = null;
  /** Manual closes waiting for their position's close: position id → resolve. */
  private readonly closeWaiters = new Map<string, (trade: ClosedTrade) => void>();
  lastBar: Candle | undefined;

  constructor(
    readonly task: TaskRecord,
    private readonly instrument: Instrument,
    strategy: Strategy,
    private readonly deps: TaskActorDeps,
  ) {
    const taskId = String(task.id);
    this.gateway = orderGatewayFor(deps.execution);
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
          deps.execution.setProtection(taskId, positionId, tp, sl).catch((error: unknown) =>
            this.emit(taskEvents.protectionFailed(positionId, (error as Error).message)),
          );
          const position = this.runner.positions.find((p) => p.id === positionId);
          if (position) deps.repo.upsertPosition(position);
        },
      },
      // The kernel only starts tasks whose quote converts to the account currency by itself (quoted or based in it).
      accountRate: (price) => accountRate(instrument, price) ?? Number.NaN,
      floatingLossThresholdPct: task.floatingLossThresholdPct,
      onEvent: (event) => this.onEngineEvent(event),
      ...(deps.onSignal ? { onSignal: deps.onSignal } : {}),
      ...(deps.account ? { account: deps.account } : {}),
    });
  }

  get source(): string {
    return this.subscription?.source ?? this.deps.feed.sourceOf(this.task.pair, this.task.timeframe);
  }

  /** Reconciles with the broker, warms the strategy up on history, then follows the feed from the resume point. */
  async start(): Promise<{ reconciled: string[] }> {
    const { feed } = this.deps;
    const taskId = String(this.task.id);
    this.gateway.open(taskId, this.instrument, {
      onFilled: (fill) => this.record(() => this.onFilled(fill)),
      onClosed: (trade) => this.record(() => this.onClosed(trade)),
      onCancelled: (clientOrderId, reason) => this.record(() => this.onCancelled(clientOrderId, reason)),
    });
    const reconciled = await this.reconcile();

    const { pair, timeframe, lastBarTime } = this.task;
    const history = feed.fetchHistory
      ? await feed.fetchHistory(pair, timeframe, lastBarTime, this.deps.warmUpBars)
      : feed.history(pair, timeframe, lastBarTime, this.deps.warmUpBars);
    this.runner.dryRun = true;
    for (const bar of history) {
      const i = this.bars.push(bar);
      this.runner.onBar(this.bars, i);
    }
    this.runner.dryRun = false;
    this.lastBar = history.at(-1);
    reconciled.push(...(await this.sendUnsentIfCurrent()));
    const resumeAfter = this.task.lastBarTime ?? this.lastBar?.time ?? null;
    this.subscription = feed.subscribe(this.task.pair, this.task.timeframe, resumeAfter, (bar) => this.onBar(bar));
    return { reconciled };
  }

  /** While held (link down, reconciling), bars still update the strategy's view but no order is sent. */
  hold(reason: string | null): void {
    this.holdReason = reason;
  }

  /**
   * Before a task resumes, the broker's book is the truth: its positions replace the engine's view, and orders the
   * journal wrote but never saw confirmed are resolved by asking the broker by client order id — never by resending.
   * Called at start and again after every reconnect of the broker.
   */
  async reconcile(): Promise<string[]> {
    const { repo } = this.deps;
    const taskId = String(this.task.id);
    const notes: string[] = [];
    const open = repo.listJournal({ taskId: this.task.id, statuses: ['journaled', 'unknown', 'submitted'] });
    const answers = new Map<string, Awaited<ReturnType<ExecutionClient['findOrder']>>>();
    for (const entry of open) answers.set(entry.clientOrderId, await this.gateway.findOrder(entry.clientOrderId));
    const held = await this.gateway.positions(taskId);
    const decisionBar = this.lastBar?.time ?? this.task.lastBarTime;
    repo.transaction(() => {
      for (const entry of open) {
        const known = answers.get(entry.clientOrderId);
        if (!known && this.gateway.sendsAfterCommit && entry.decidedAt === decisionBar) {
          // Journaled on the last bar the task processed, then the app stopped before sending it: the decision is
          // still current if no newer bar has closed since (checked before it is sent, once, under the same id).
          this.runner.restoreOutstanding(entry);
          this.unsent.push(entry);
        } else if (!known) {
          repo.setJournalStatus(entry.clientOrderId, 'cancelled', { error: 'never reached the broker before the app stopped; not sent late' });
          notes.push(reconcileNotes.cancelledNeverSent(entry.clientOrderId));
        } else if (known.status === 'filled') {
          repo.setJournalStatus(entry.clientOrderId, 'filled', { ...(known.fill ? { fillPrice: known.fill.price, filledAt: known.fill.time } : {}) });
        } else if (known.status === 'accepted') {
          if (entry.status !== 'submitted') repo.setJournalStatus(entry.clientOrderId, 'submitted');
          this.runner.restoreOutstanding(entry);
        } else {
          repo.setJournalStatus(entry.clientOrderId, known.status);
        }
      }
      const heldIds = new Set(held.map((p) => p.id));
      for (const mine of repo.listPositions({ taskId: this.task.id })) {
        if (!heldIds.has(mine.id)) {
          repo.deletePosition(mine.id);
          notes.push(reconcileNotes.positionGone(mine.id));
        }
      }
      this.runner.positions.splice(0, this.runner.positions.length);
      for (const position of held) {
        repo.upsertPosition(position);
        if (!testFaults.skipRestorePosition) this.runner.restorePosition(position);
      }
      if (notes.length) {
        const { type, severity, code, message } = taskEvents.reconciled(notes);
        repo.recordEvent({ type, severity, taskId: this.task.id, code, message });
      }
    });
    // After a reconnect (the task is live) the unsent orders of the current bar go now; at start, after the warm-up.
    if (this.subscription) notes.push(...(await this.sendUnsentIfCurrent()));
    return notes;
  }

  /**
   * Orders journaled on the task's last bar that never reached the broker (the app stopped, or the link dropped,
   * between the journal commit and the send): sent now under their journaled client order id if that bar is still
   * the latest closed one at the broker, else cancelled — a decision is never carried out on a later market.
   */
  private async sendUnsentIfCurrent(): Promise<string[]> {
    const unsent = this.unsent;
    this.unsent = [];
    if (unsent.length === 0) return [];
    const { feed, repo } = this.deps;
    const { pair, timeframe } = this.task;
    let latest: number | undefined;
    try {
      latest = (feed.fetchHistory ? await feed.fetchHistory(pair, timeframe, null, 1) : feed.history(pair, timeframe, null, 1)).at(-1)?.time;
    } catch {
      latest = undefined;
    }
    const notes: string[] = [];
    for (const entry of unsent) {
      if (latest !== undefined && latest === entry.decidedAt) {
        notes.push(reconcileNotes.sentNow(entry.clientOrderId));
        await this.transmit(entry);
        continue;
      }
      this.record(() => {
        repo.setJournalStatus(entry.clientOrderId, 'cancelled', { error: 'never reached the broker before the app stopped; its bar has passed, not sent late' });
        this.runner.applyCancelled(entry.clientOrderId);
      });
      notes.push(reconcileNotes.cancelledBarPassed(entry.clientOrderId));
    }
    if (notes.length) this.record(() => this.emit(taskEvents.reconciled(notes)));
    return notes;
  }

  private async onBar(bar: Candle): Promise<void> {
    if (this.stopped) return;
    const { repo } = this.deps;
    // An order whose outcome is unknown is settled with the broker first: the strategy must not decide on a book
    // that may be missing it. If the broker still cannot tell, this bar's decisions are held (not sent).
    const undecided = this.unresolved.size > 0 ? await this.resolveAllUnknown() : 0;
    if (this.stopped) return;
    this.unknownHold = undecided > 0 ? `${undecided} order(s) with an unknown outcome are not resolved with the broker yet` : null;
    try {
      repo.transaction(() => {
        const i = this.bars.push(bar);
        this.lastBar = bar;
        this.gateway.onBar(String(this.task.id), bar);
        this.runner.onBar(this.bars, i);
        repo.setTaskLastBar(this.task.id, bar.time);
        this.flushEvents();
        if (this.runner.paused && this.task.status === 'running') {
          repo.setTaskStatus(this.task.id, 'paused', this.runner.paused);
          this.task.status = 'paused';
          this.task.statusReason = this.runner.paused;
        }
      });
    } catch (error) {
      this.pendingEvents = [];
      this.outbox = [];
      this.stop();
      this.deps.onFailed(this.task, error);
      return;
    }
    this.publishCommitted();
    // Real brokers: the intents are on disk now; send them, one at a time, in the order they were decided.
    const outbox = this.outbox;
    this.outbox = [];
    for (const order of outbox) await this.transmit(order);
  }

  /** Stops following the feed; with `flatten`, closes the task's positions at the last price first. */
  stop(flatten?: { reason: 'task_stopped' | 'manual' }): void {
    this.stopped = true;
    this.subscription?.stop();
    const taskId = String(this.task.id);
    if (flatten && this.lastBar) {
      const bar = this.lastBar;
      if (!this.gateway.sendsAfterCommit) {
        this.deps.repo.transaction(() => {
          // At the symbol's market price now (what every view shows), not at this task's last bar close.
          const mark = this.deps.feed.quote?.(this.task.pair);
          this.gateway.flatten(taskId, mark?.time ?? bar.time, mark?.price ?? bar.close, flatten.reason);
          this.flushEvents();
        });
        this.publishCommitted();
      } else {
        // A real broker closes at its own price: send journaled closes; their fills arrive through the listener.
        this.stopped = false;
        this.deps.repo.transaction(() => this.runner.closeAll(flatten.reason, 'task stopped by the user'));
        const outbox = this.outbox;
        this.outbox = [];
        void Promise.all(outbox.map((order) => this.transmit(order))).finally(() => {
          this.stopped = true;
        });
      }
    }
    this.gateway.close(taskId);
  }

  /**
   * A manual close of one position: a close order journaled and sent like any other (on the paper broker it fills at
   * the next bar's open). Resolves with the closed trade; rejects after `timeoutMs` if the position is still open.
   */
  closePosition(positionId: string, note: string, timeoutMs: number): Promise<ClosedTrade> {
    if (this.stopped) return Promise.reject(new DomainError('UNAVAILABLE', `Task ${this.task.id} is stopped`));
    if (!this.runner.positions.some((p) => p.id === positionId)) {
      return Promise.reject(new DomainError('NOT_FOUND', `Position ${positionId} is not open in task ${this.task.id}`));
    }
    if (this.holdReason) return Promise.reject(new DomainError('UNAVAILABLE', `The close was not sent: ${this.holdReason}`));
    const closed = new Promise<ClosedTrade>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.closeWaiters.delete(positionId);
        reject(new DomainError('UNAVAILABLE', `The close order of position ${positionId} was sent but has not filled within ${Math.round(timeoutMs / 1000)} s: the market feed delivered no new bar; it fills at the next one`));
      }, timeoutMs);
      timer.unref?.();
      this.closeWaiters.set(positionId, (trade) => {
        clearTimeout(timer);
        resolve(trade);
      });
    });
    this.deps.repo.transaction(() => {
      this.runner.close(positionId, 'manual', note);
      this.flushEvents();
    });
    this.publishCommitted();
    const outbox = this.outbox;
    this.outbox = [];
    for (const order of outbox) void this.transmit(order);
    return closed;
  }

  // ---- Manual orders (the trader's Buy / Sell on the trading workspace) -------------------------------------------
  private manualSeq = 0;

  /**
   * A trader's market order on this task: the instrument's lot rules and market hours first, then the strategy
   * runner's own risk checks and the same journaled send path as the strategy's orders (journal, then broker).
   * Resolves with the client order id once the broker answered (real brokers) or took it into its book (paper).
   */
  async submitManualOrder(side: Side, lots: number, note: string): Promise<string> {
    const what = `${side} ${lots} ${this.task.pair}`;
    if (this.stopped) throw new DomainError('TASK_NOT_RUNNING', `Task ${this.task.id} is stopped; ${what} was not sent`);
    if (this.task.status !== 'running' || this.runner.paused) {
      throw new DomainError('TASK_NOT_RUNNING', `Task ${this.task.id} is paused (${this.task.statusReason ?? this.runner.paused ?? 'no reason given'}); ${what} was not sent`);
    }
    const lotProblem = manualLotsProblem(this.instrument, lots);
    if (lotProblem) throw new DomainError('VALIDATION_FAILED', lotProblem, [{ path: 'lots', message: lotProblem }]);
    const closed = this.holdReason ?? marketClosedReason({ instrument: this.instrument, timeframe: this.task.timeframe, lastBar: this.lastBar, source: this.source });
    if (closed) throw new DomainError('MARKET_CLOSED', `${what} was not sent: ${closed}`);
    // A trader's order is not derived from a bar: its id is unique by the clock (≤ 31 chars for an MT5 comment).
    const clientOrderId = `${this.task.orderIdPrefix}-m${Date.now().toString(36)}${(this.manualSeq++ % 1296).toString(36)}`;
    let denial: ActorEvent | undefined;
    this.deps.repo.transaction(() => {
      const before = this.pendingEvents.length;
      const options = { reason: note, clientOrderId, takeProfit: null, stopLoss: null };
      const sent = side === 'BUY' ? this.runner.buy(lots, options) : this.runner.sell(lots, options);
      if (sent === undefined) denial = this.pendingEvents.slice(before).find((e) => e.type === 'OrderDenied');
      this.flushEvents();
    });
    this.publishCommitted();
    if (denial) throw new DomainError(denial.code === 'TASK_PAUSED' ? 'TASK_NOT_RUNNING' : 'ORDER_DENIED', `${what} refused by the risk engine (${denial.code}): ${denial.message}`);
    const outbox = this.outbox;
    this.outbox = [];
    for (const order of outbox) await this.transmit(order);
    return clientOrderId;
  }

  /** Journal first, then the broker: an order the app decided is on disk before it can reach the market. */
  private send(order: SubmitOrder): void {
    const { repo } = this.deps;
    const hold = this.holdReason ?? this.unknownHold;
    if (hold) {
      this.runner.applyCancelled(order.clientOrderId);
      this.emit(taskEvents.orderHeld(order, hold));
      return;
    }
    const existing = repo.findJournalEntry(order.clientOrderId);
    if (existing && existing.status !== 'journaled' && existing.status !== 'unknown') return;
    if (!existing && order.decisionKey !== undefined) {
      // One decision, one order: the same (task, bar, intent) already journaled under another id is refused, not sent.
      const decided = repo.findJournalByDecision(order.decisionKey);
      if (decided) {
        this.runner.applyCancelled(order.clientOrderId);
        this.emit(taskEvents.duplicateDecision(order, decided));
        return;
      }
    }
    if (!existing) repo.journalIntent(order);
    // Paper: answered inside this bar's transaction. A real broker: sent once the transaction committed.
    const answered = this.gateway.submitInBar(order);
    if (answered === undefined) this.outbox.push(order);
    else this.applyOutcome(order, answered);
  }

  /** Real brokers: sends a journaled order and records the answer; a lost answer is resolved by asking, later. */
  private async transmit(order: SubmitOrder): Promise<void> {
    testFaults.atSendPoint('after-journal');
    let outcome: Awaited<ReturnType<ExecutionClient['submit']>>;
    try {
      outcome = await this.deps.execution.submit(order);
    } catch (error) {
      outcome = { status: 'unknown', reason: (error as Error).message };
    }
    testFaults.atSendPoint('after-answer');
    this.record(() => this.applyOutcome(order, outcome));
    if (outcome.status === 'unknown') {
      this.unresolved.set(order.clientOrderId, order);
      setTimeout(() => void this.resolveUnknown(order), UNKNOWN_RESOLVE_DELAY_MS).unref?.();
    }
  }

  /** Asks the broker about every order whose answer was lost; returns how many it still could not tell. */
  private async resolveAllUnknown(): Promise<number> {
    for (const order of [...this.unresolved.values()]) await this.resolveUnknown(order, 0);
    return this.unresolved.size;
  }

  /** `attempt` 0: one question now (before a bar), no retry scheduled. */
  private async resolveUnknown(order: SubmitOrder, attempt = 1): Promise<void> {
    if (this.stopped || !this.unresolved.has(order.clientOrderId)) return;
    let known: Awaited<ReturnType<ExecutionClient['findOrder']>>;
    try {
      known = await this.gateway.findOrder(order.clientOrderId);
    } catch {
      if (attempt > 0 && attempt < 10) setTimeout(() => void this.resolveUnknown(order, attempt + 1), UNKNOWN_RESOLVE_DELAY_MS * attempt).unref?.();
      return;
    }
    if (!this.unresolved.delete(order.clientOrderId)) return;
    this.record(() => {
      if (!known) {
        // The broker never received it: the decision belonged to a bar that has passed, so it is not sent late.
        this.deps.repo.setJournalStatus(order.clientOrderId, 'cancelled', { error: 'the broker never received it' });
        this.runner.applyCancelled(order.clientOrderId);
        this.emit(taskEvents.notReceived(order));
      } else if (known.status === 'accepted' || known.status === 'filled') {
        // The broker's own fill report may have arrived meanwhile (and the position even closed since): apply a fill once.
        const alreadyFilled = this.deps.repo.findJournalEntry(order.clientOrderId)?.status === 'filled';
        if (alreadyFilled) return;
        this.deps.repo.setJournalStatus(order.clientOrderId, known.status === 'filled' ? 'filled' : 'submitted');
        if (known.fill && !this.runner.positions.some((p) => p.id === known.fill?.positionId)) this.onFilled(known.fill);
      } else {
        this.deps.repo.setJournalStatus(order.clientOrderId, known.status);
        this.runner.applyCancelled(order.clientOrderId);
      }
    });
  }

  private applyOutcome(order: SubmitOrder, outcome: Awaited<ReturnType<ExecutionClient['submit']>>): void {
    const { repo } = this.deps;
    // A broker may report the fill before the answer to the submit arrives: never step back from a final status.
    const current = repo.findJournalEntry(order.clientOrderId)?.status;
    if (current === 'filled' || current === 'cancelled' || current === 'rejected') return;
    if (outcome.status === 'accepted') {
      repo.setJournalStatus(order.clientOrderId, 'submitted', { brokerOrderId: outcome.brokerOrderId ?? null });
      return;
    }
    repo.setJournalStatus(order.clientOrderId, outcome.status === 'rejected' ? 'rejected' : 'unknown', { error: outcome.reason });
    if (outcome.status === 'rejected') {
      this.runner.applyCancelled(order.clientOrderId);
      this.emit(taskEvents.rejected(order, outcome.reason));
    } else {
      this.emit(taskEvents.unknown(order, outcome.reason));
    }
  }

  /** Broker callbacks outside a bar (real brokers): record in a transaction of their own, then publish. */
  private record(work: () => void): void {
    if (!this.gateway.callbacksNeedTransaction) {
      work();
      return;
    }
    this.deps.repo.transaction(() => {
      work();
      this.flushEvents();
    });
    this.publishCommitted();
  }

  private committed: ActorEvent[] = [];

  private flushEvents(): void {
    for (const event of this.pendingEvents) {
      const stored = this.deps.repo.recordEvent({ type: event.type, severity: event.severity, taskId: event.taskId, code: event.code, message: event.message, data: event.data, ...this.marketTime() });
      this.committed.push({ ...event, id: stored.id, time: stored.time });
    }
    this.pendingEvents = [];
  }

  /** On a replayed or simulated market, events happen on its clock (as its trades do), not on today's. */
  private marketTime(): { time?: number } {
    const now = this.deps.feed.quote?.(this.task.pair)?.now;
    return now === undefined ? {} : { time: now };
  }

  private publishCommitted(): void {
    const events = this.committed;
    this.committed = [];
    if (events.length) this.deps.publish(events);
  }

  private onFilled(fill: OrderFilled): void {
    const { repo } = this.deps;
    this.unresolved.delete(fill.clientOrderId);
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
    const waiter = this.closeWaiters.get(trade.positionId);
    if (waiter) {
      this.closeWaiters.delete(trade.positionId);
      waiter(trade);
    }
  }

  private onCancelled(clientOrderId: string, reason: string): void {
    this.unresolved.delete(clientOrderId);
    if (this.deps.repo.findJournalEntry(clientOrderId)) this.deps.repo.setJournalStatus(clientOrderId, 'cancelled', { error: reason });
    this.runner.applyCancelled(clientOrderId);
  }

  private emit(event: TaskEventDraft): void {
    this.pendingEvents.push({ ...event, taskId: this.task.id });
  }

  private onEngineEvent(event: EngineEvent): void {
    const drafts = eventsOfEngineEvent(event, { pair: this.task.pair, timeframe: this.task.timeframe, digits: this.instrument.digits }, this.drawdown);
    for (const draft of drafts) this.emit(draft);
  }
}
