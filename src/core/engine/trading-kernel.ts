import { DomainError } from '../../shared/contract/errors';
import { isTimeframe, type Timeframe } from '../domain/candles';
import { ACCOUNT_CURRENCY, accountRate } from '../domain/account-currency';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import type { CapitalRepository } from '../ports/capital-repository';
import type { BrokerConnection, BrokerRegistry } from '../ports/broker';
import type { DomainEventPublisher, PublishedEvent } from '../ports/domain-events';
import type { JournalEntry, TaskRecord, TradingRepository } from '../ports/trading-repository';
import { resolveConfig } from '../strategies/params';
import type { StrategyDefinition } from '../strategies/strategy';
import type { ClosedTrade, Side } from '../domain/trading';
import type { AccountRules, RaisedSignal } from './strategy-runner';
import { marketClosedReason } from './manual-order';
import { TaskActor } from './task-actor';

export interface StrategyCatalog {
  find(name: string): StrategyDefinition | undefined;
  all(): readonly StrategyDefinition[];
}

export interface KernelOptions {
  repo: TradingRepository;
  capital: CapitalRepository;
  /** Connected brokers; 'paper' is always registered. */
  brokers: BrokerRegistry;
  strategies: StrategyCatalog;
  /** Tasks that may run at once (the spec: 20 by default, configurable upward). */
  maxTasks: number;
  warmUpBars: number;
  /** Capital of a task whose pair has no allocation in the user's portfolio. */
  defaultCapital: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: unknown) => void;
  /** The domain event stream: everything that happened goes here (journal, notifier, UI push subscribe to it). */
  events: DomainEventPublisher;
  /** Signals the strategies report on live bars, inside the bar's transaction (stored for the signals API). */
  onSignal?: (task: TaskRecord, signal: RaisedSignal) => void;
  /** Account-wide rules over a task's opening orders (paper trading), looked up whenever the task (re)starts. */
  accountRules?: (task: TaskRecord) => AccountRules | undefined;
}

export interface StartTaskRequest {
  pair: string;
  timeframe: string;
  strategyName: string;
  config: Record<string, unknown>;
  /** Which strategy allocation's pair capital to use when the pair is allocated in several. */
  allocationStrategy?: string;
  /** Broker connection id; 'paper' by default. */
  broker?: string;
  /** Capital to trade with instead of the pair allocation or the default (paper trading's initial_capital). */
  capital?: number;
}

export interface StartedTask {
  task: TaskRecord;
  warnings: string[];
  source: string;
  reconciled: string[];
}

const DEFAULT_MAGIC = 12345;

/**
 * The live engine: trading tasks as independent actors on one event loop, started and stopped without a restart,
 * resumed after a crash from the database once reconciled with the broker.
 */
export class TradingKernel {
  private readonly actors = new Map<number, TaskActor>();

  private readonly links = new Map<string, string>();

  constructor(private readonly options: KernelOptions) {
    // Every broker's link is watched: tasks hold while it is down and reconcile before they trade again.
    options.brokers.onRegister((connection) => {
      this.links.set(connection.id, connection.state().link);
      connection.onStateChange((state) => {
        if (state.reconciling || this.links.get(connection.id) === state.link) return;
        this.links.set(connection.id, state.link);
        this.onBrokerState(connection.id, state.link).catch((error: unknown) =>
          this.options.log?.('error', `reacting to ${connection.id} going ${state.link} failed`, { error }),
        );
      });
    });
  }

  get maxTasks(): number {
    return this.options.maxTasks;
  }

  actorOf(taskId: number): TaskActor | undefined {
    return this.actors.get(taskId);
  }

  runningCount(): number {
    return this.actors.size;
  }

  connectionFor(brokerId: string): BrokerConnection {
    const connection = this.options.brokers.get(brokerId);
    if (!connection) {
      const known = this.options.brokers.list().map((b) => b.id).join(', ');
      throw new DomainError('NOT_FOUND', `Broker "${brokerId}" is not connected; connected brokers: ${known}`);
    }
    return connection;
  }

  instrumentFor(pair: string, connection?: BrokerConnection): Instrument {
    const instrument = connection?.instrument(pair) ?? builtinInstrument(pair);
    if (!instrument) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `No instrument data for ${pair}: its pip/point size and contract size are unknown. Connect a broker that lists it, or use one of the available pairs`,
      );
    }
    if (accountRate(instrument, 1) === undefined) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${pair} is quoted in ${instrument.quoteCurrency}: converting its profit to ${ACCOUNT_CURRENCY} needs a ${instrument.quoteCurrency}${ACCOUNT_CURRENCY} price feed, which the paper broker does not have yet. Trade a ${ACCOUNT_CURRENCY}-quoted or ${ACCOUNT_CURRENCY}-based pair`,
      );
    }
    return instrument;
  }

  /** Validates everything first; nothing is stored unless the task can really start. */
  async startTask(sessionId: string, request: StartTaskRequest): Promise<StartedTask> {
    const { repo } = this.options;
    const session = repo.findSession(sessionId);
    if (!session) throw new DomainError('NOT_FOUND', `Session "${sessionId}" does not exist; create one with POST /api/session/create`);
    if (session.status !== 'active') throw new DomainError('VALIDATION_FAILED', `Session "${sessionId}" is closed`);
    if (!isTimeframe(request.timeframe)) {
      throw new DomainError('VALIDATION_FAILED', `timeframe "${request.timeframe}" is not one of 1M, 5M, 15M, 1H, 4H, 1D`);
    }
    const timeframe: Timeframe = request.timeframe;
    const definition = this.options.strategies.find(request.strategyName);
    if (!definition) {
      const names = this.options.strategies.all().map((s) => s.name).join(', ');
      throw new DomainError('VALIDATION_FAILED', `Unknown strategy "${request.strategyName}"; available: ${names}`);
    }
    const connection = this.connectionFor(request.broker ?? 'paper');
    if (connection.state().link !== 'up' && connection.ensureConnected) {
      try {
        await connection.ensureConnected();
      } catch (error) {
        throw new DomainError('UNAVAILABLE', `${connection.label} could not connect: ${(error as Error).message}`);
      }
    }
    if (connection.state().link !== 'up') {
      throw new DomainError('UNAVAILABLE', `${connection.label} is not connected (${connection.state().detail}); tasks start once it is`);
    }
    const instrument = this.instrumentFor(request.pair, connection);
    const unfed = connection.feed.refusal?.(request.pair, timeframe);
    if (unfed) throw new DomainError('VALIDATION_FAILED', unfed);
    const resolution = resolveConfig(definition, request.config, timeframe);
    if (resolution.errors.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid ${definition.name} config: ${resolution.errors.join('; ')}`,
        resolution.errors.map((message) => ({ path: 'config', message })),
      );
    }
    if (this.actors.size >= this.options.maxTasks) {
      throw new DomainError(
        'ALREADY_EXISTS',
        `${this.actors.size} tasks are running, the limit is ${this.options.maxTasks}; stop one or raise the limit (ECHO_MAX_TASKS)`,
      );
    }
    const live = repo
      .listTasks({ sessionId, statuses: ['running', 'paused'] })
      .find((t) => t.pair === request.pair && t.timeframe === timeframe && t.strategyName === definition.name);
    if (live) {
      throw new DomainError(
        'ALREADY_EXISTS',
        `${definition.name} already runs on ${request.pair} ${timeframe} in this session (task ${live.id}); stop it first or choose another timeframe`,
      );
    }
    const warnings = [...resolution.warnings];
    const capital =
      request.capital !== undefined
        ? { amount: request.capital, source: 'default' as const, pairAllocationId: null, thresholdPct: null }
        : this.capitalFor(session.userId, request.pair, request.allocationStrategy, warnings);
    const magic = typeof resolution.config.magic_number === 'number' ? resolution.config.magic_number : DEFAULT_MAGIC;
    const task = repo.transaction(() =>
      repo.insertTask({
        sessionId,
        pair: request.pair,
        timeframe,
        strategyName: definition.name,
        config: resolution.config,
        status: 'running',
        statusReason: null,
        capital: capital.amount,
        capitalSource: capital.source,
        pairAllocationId: capital.pairAllocationId,
        floatingLossThresholdPct: capital.thresholdPct,
        magic,
        broker: connection.id,
      }),
    );
    const started = await this.spawn(task, instrument, definition, connection);
    return { task, warnings, source: started.source, reconciled: started.reconciled };
  }

  private capitalFor(
    userId: string,
    pair: string,
    allocationStrategy: string | undefined,
    warnings: string[],
  ): { amount: number; source: TaskRecord['capitalSource']; pairAllocationId: number | null; thresholdPct: number | null } {
    const { capital, defaultCapital } = this.options;
    const portfolio = capital.findPortfolioByUser(userId);
    const candidates = portfolio
      ? capital
          .listStrategies(portfolio.id)
          .filter((s) => allocationStrategy === undefined || s.strategyName.toLowerCase() === allocationStrategy.toLowerCase())
          .flatMap((s) => capital.listPairs(s.id).filter((p) => p.pair === pair).map((p) => ({ strategy: s, pair: p })))
      : [];
    if (candidates.length === 1) {
      const { pair: allocation } = candidates[0] as (typeof candidates)[number];
      return {
        amount: allocation.allocatedCents / 100,
        source: 'pair_allocation',
        pairAllocationId: allocation.id,
        thresholdPct: allocation.floatingLossThresholdPct,
      };
    }
    if (candidates.length > 1) {
      throw new DomainError(
        'AMBIGUOUS_TARGET',
        `${pair} is allocated in ${candidates.length} strategies (${candidates.map((c) => `"${c.strategy.strategyName}"`).join(', ')}); ` +
          'say which with "allocation_strategy"',
      );
    }
    warnings.push(
      `${pair} has no pair allocation in ${userId}'s portfolio: the task trades with a default capital of ${defaultCapital.toFixed(2)} USD and no floating-loss threshold`,
    );
    return { amount: defaultCapital, source: 'default', pairAllocationId: null, thresholdPct: null };
  }

  private async spawn(
    task: TaskRecord,
    instrument: Instrument,
    definition: StrategyDefinition,
    connection: BrokerConnection,
  ): Promise<{ source: string; reconciled: string[] }> {
    const strategy = definition.create(task.config, instrument);
    const actor = new TaskActor(task, instrument, strategy, {
      repo: this.options.repo,
      execution: connection.execution,
      feed: connection.feed,
      warmUpBars: this.options.warmUpBars,
      publish: (events) => this.publish(events),
      onFailed: (failed, error) => this.fail(failed, error),
      ...(this.options.onSignal ? { onSignal: (signal: RaisedSignal) => this.options.onSignal?.(task, signal) } : {}),
      ...this.accountRulesOf(task),
    });
    this.actors.set(task.id, actor);
    try {
      const { reconciled } = await actor.start();
      this.publish([{
        type: 'TaskStarted', severity: 'info', taskId: task.id, code: null,
        message: `Task ${task.id} ${definition.name} ${task.pair} ${task.timeframe} started on ${connection.label}`,
        data: { pair: task.pair, timeframe: task.timeframe, strategy: definition.name, broker: connection.id },
        ...this.marketClockOf(task),
      }]);
      return { source: actor.source, reconciled };
    } catch (error) {
      this.actors.delete(task.id);
      this.fail(task, error);
      throw new DomainError('INTERNAL', `Task ${task.id} could not start: ${(error as Error).message}`);
    }
  }

  private accountRulesOf(task: TaskRecord): { account?: AccountRules } {
    const account = this.options.accountRules?.(task);
    return account ? { account } : {};
  }

  /**
   * Closes one open position by hand, through its task: a journaled close order like any other. Resolves with the
   * closed trade once it filled (on the paper broker at the next bar's open), or rejects after `timeoutMs`.
   */
  async closePosition(positionId: string, options: { note: string; timeoutMs: number }): Promise<ClosedTrade> {
    const position = this.options.repo.listPositions().find((p) => p.id === positionId);
    if (!position) throw new DomainError('NOT_FOUND', `Position ${positionId} is not open`);
    const actor = this.actors.get(Number(position.taskId));
    if (!actor) {
      throw new DomainError('UNAVAILABLE', `The task of position ${positionId} (task ${position.taskId}) is not running; resume it first`);
    }
    return actor.closePosition(positionId, options.note, options.timeoutMs);
  }

  // ---- Manual orders (the trader's Buy / Sell / Close on the trading workspace) -------------------------------------

  /**
   * A trader's market order on a running task: through the task's actor (lot rules, market hours, the risk engine,
   * journaled before it is sent, on the task's broker). Waits up to `waitMs` for the order to settle (filled,
   * rejected, cancelled) and returns its journal entry; a broker's refusal is an ORDER_DENIED with its reason.
   */
  async submitManualOrder(taskId: number, side: Side, lots: number, options: { note: string; waitMs: number }): Promise<JournalEntry> {
    const { repo } = this.options;
    const actor = this.runningActor(taskId);
    const clientOrderId = await actor.submitManualOrder(side, lots, options.note);
    const entry = await this.journalSettles(clientOrderId, options.waitMs);
    if (entry.status === 'rejected' || entry.status === 'cancelled') {
      throw new DomainError('ORDER_DENIED', `${side} ${lots} ${actor.task.pair} was ${entry.status} by ${actor.task.broker}: ${entry.error ?? 'no reason given'} (client order id ${clientOrderId}, kept in the journal)`);
    }
    return repo.findJournalEntry(clientOrderId) ?? entry;
  }

  /**
   * Closes one open position by hand and waits up to `waitMs` for the close to fill: the trade, or null while the
   * journaled close order is still on its way (on the paper broker it fills at the next bar's open).
   */
  async closePositionManually(positionId: string, options: { note: string; waitMs: number }): Promise<{ trade: ClosedTrade | null; closeOrderId: string | null }> {
    const { repo } = this.options;
    const position = repo.listPositions().find((p) => p.id === positionId);
    if (!position) throw new DomainError('NOT_FOUND', `Position ${positionId} is not open; GET /api/trading/positions lists the open ones`);
    const actor = this.runningActor(Number(position.taskId));
    const instrument = this.instrumentFor(actor.task.pair, this.options.brokers.get(actor.task.broker));
    const closedReason = marketClosedReason({ instrument, timeframe: actor.task.timeframe, lastBar: actor.lastBar, source: actor.source });
    if (closedReason) throw new DomainError('MARKET_CLOSED', `Position ${positionId} was not closed: ${closedReason}`);
    const filled = actor.closePosition(positionId, options.note, Math.max(options.waitMs, 10 * 60_000));
    filled.catch(() => undefined); // a late timeout after this call answered is not an error of anyone's
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), options.waitMs);
    });
    try {
      const trade = await Promise.race([filled, waited]);
      const closeOrder = repo.listJournal({ taskId: Number(position.taskId), limit: 50 }).find((o) => o.closesPositionId === positionId);
      return { trade, closeOrderId: closeOrder?.clientOrderId ?? null };
    } catch (error) {
      // The actor refuses at once while its broker is down or reconciling: the market cannot be reached.
      if (error instanceof DomainError && error.code === 'UNAVAILABLE') throw new DomainError('MARKET_CLOSED', error.message);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private runningActor(taskId: number): TaskActor {
    const task = this.options.repo.findTask(taskId);
    if (!task) throw new DomainError('NOT_FOUND', `Task ${taskId} does not exist; a session's tasks are listed at GET /api/dynamic-trading/{session_id}/tasks`);
    const actor = this.actors.get(taskId);
    if (!actor) {
      throw new DomainError('TASK_NOT_RUNNING', `Task ${taskId} (${task.pair} ${task.timeframe}) is ${task.status}${task.status === 'running' ? ' but not resumed yet' : ''}; it sends no orders`);
    }
    return actor;
  }

  /** The journal entry of `clientOrderId` once it is final (filled, rejected, cancelled) or after `waitMs`. */
  private async journalSettles(clientOrderId: string, waitMs: number): Promise<JournalEntry> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const entry = this.options.repo.findJournalEntry(clientOrderId);
      if (!entry) throw new DomainError('INTERNAL', `Order ${clientOrderId} is missing from the journal`);
      if (entry.status === 'filled' || entry.status === 'rejected' || entry.status === 'cancelled' || Date.now() >= deadline) return entry;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private publish(events: readonly PublishedEvent[]): void {
    this.options.events.publish(events);
  }

  private fail(task: TaskRecord, error: unknown): void {
    this.actors.delete(task.id);
    const message = `Task ${task.id} (${task.strategyName} ${task.pair} ${task.timeframe}) stopped on an error: ${(error as Error)?.message ?? String(error)}`;
    this.options.log?.('error', message, { error });
    try {
      this.options.repo.setTaskStatus(task.id, 'failed', message);
      this.publish([{ type: 'TaskFailed', severity: 'critical', taskId: task.id, code: 'TASK_FAILED', message, ...this.marketClockOf(task) }]);
    } catch (secondary) {
      this.options.log?.('error', 'could not record the failure', { secondary });
    }
  }

  /** Stops matching live tasks of a session; their positions are closed at the last price unless told otherwise. */
  stopTasks(sessionId: string, match: { pair: string; timeframe?: string; strategyName?: string }, closePositions = true): TaskRecord[] {
    const { repo } = this.options;
    if (!repo.findSession(sessionId)) throw new DomainError('NOT_FOUND', `Session "${sessionId}" does not exist`);
    const tasks = repo
      .listTasks({ sessionId, statuses: ['running', 'paused'] })
      .filter(
        (t) =>
          t.pair === match.pair &&
          (match.timeframe === undefined || t.timeframe === match.timeframe) &&
          (match.strategyName === undefined || t.strategyName === match.strategyName),
      );
    if (tasks.length === 0) {
      const what = [match.pair, match.timeframe, match.strategyName].filter(Boolean).join(' ');
      throw new DomainError('NOT_FOUND', `No running task matches ${what} in session "${sessionId}"`);
    }
    for (const task of tasks) this.stopTask(task, closePositions);
    return tasks.map((t) => repo.findTask(t.id) as TaskRecord);
  }

  stopTask(task: TaskRecord, closePositions: boolean): void {
    const actor = this.actors.get(task.id);
    this.actors.delete(task.id);
    actor?.stop(closePositions ? { reason: 'task_stopped' } : undefined);
    this.options.repo.setTaskStatus(task.id, 'stopped', closePositions ? 'stopped by the user; positions closed' : 'stopped by the user; positions left open');
    this.publish([{ type: 'TaskStopped', severity: 'info', taskId: task.id, code: null, message: `Task ${task.id} ${task.pair} ${task.timeframe} stopped`, data: { positionsClosed: closePositions }, ...this.marketClockOf(task) }]);
  }

  /** A task's lifecycle happens on its symbol's market clock when its feed keeps one (replay, simulation), as its trades do. */
  private marketClockOf(task: TaskRecord): { at?: number } {
    const now = this.options.brokers.get(task.broker)?.feed.quote?.(task.pair)?.now;
    return now === undefined ? {} : { at: now };
  }

  /**
   * Resumes tasks the database says should run but that have no actor (after a restart or crash).
   * Paused and failed tasks are resumed only when asked (`includePaused`): they stopped for a reason.
   */
  async recover(
    filter: { sessionId?: string; userId?: string; includePaused?: boolean; brokerId?: string } = {},
  ): Promise<{ resumed: TaskRecord[]; failed: { task: TaskRecord; error: string }[] }> {
    const { repo } = this.options;
    const sessions = filter.sessionId
      ? [filter.sessionId]
      : repo.listSessions(filter.userId !== undefined ? { userId: filter.userId } : {}).map((s) => s.id);
    const resumed: TaskRecord[] = [];
    const failed: { task: TaskRecord; error: string }[] = [];
    for (const sessionId of sessions) {
      const statuses: TaskRecord['status'][] = filter.includePaused ? ['running', 'paused', 'failed'] : ['running'];
      for (const task of repo.listTasks({ sessionId, statuses })) {
        if (this.actors.has(task.id)) continue;
        if (filter.brokerId !== undefined && task.broker !== filter.brokerId) continue;
        const definition = this.options.strategies.find(task.strategyName);
        try {
          if (!definition) throw new Error(`strategy ${task.strategyName} is no longer available`);
          if (this.actors.size >= this.options.maxTasks) throw new Error(`the limit of ${this.options.maxTasks} running tasks is reached`);
          if (task.status !== 'running') {
            repo.setTaskStatus(task.id, 'running', null);
            task.status = 'running';
            task.statusReason = null;
          }
          const connection = this.connectionFor(task.broker);
          if (connection.state().link !== 'up') throw new Error(`${connection.label} is not connected; the task resumes when it is`);
          await this.spawn(task, this.instrumentFor(task.pair, connection), definition, connection);
          resumed.push(repo.findTask(task.id) as TaskRecord);
        } catch (error) {
          failed.push({ task, error: (error as Error).message });
        }
      }
    }
    return { resumed, failed };
  }

  /**
   * A broker's link changed. Down: its tasks hold (no orders). Up again: before any of them trades, each reconciles
   * with the broker (positions, unconfirmed orders); a task whose book cannot be reconciled stays paused with the reason.
   */
  async onBrokerState(brokerId: string, link: 'up' | 'down' | 'connecting'): Promise<void> {
    const actors = [...this.actors.values()].filter((a) => a.task.broker === brokerId);
    if (link !== 'up') {
      for (const actor of actors) actor.hold(`${brokerId} is disconnected`);
      return;
    }
    for (const actor of actors) {
      actor.hold('reconciling with the broker after a reconnect');
      try {
        const notes = await actor.reconcile();
        actor.hold(null);
        if (notes.length) {
          this.publish([{ type: 'TaskReconciled', severity: 'warning', taskId: actor.task.id, code: 'RECONCILED', message: notes.join('; ') }]);
        }
      } catch (error) {
        const reason = `could not reconcile with ${brokerId}: ${(error as Error).message}`;
        actor.hold(reason);
        this.options.repo.setTaskStatus(actor.task.id, 'paused', reason);
        actor.task.status = 'paused';
        actor.task.statusReason = reason;
        this.publish([{ type: 'TaskPaused', severity: 'critical', taskId: actor.task.id, code: 'RECONCILE_FAILED', message: reason }]);
      }
    }
    await this.recover({ brokerId });
  }

  /** Stops every actor without touching positions or statuses: they resume on the next start. */
  shutdown(): void {
    for (const actor of this.actors.values()) {
      // Keep the task "running" in the database so the next start resumes it.
      actor.stop();
    }
    this.actors.clear();
  }
}
