import { DomainError } from '../../shared/contract/errors';
import type { BacktestView, CreateBacktestInput, ListBacktestsInput } from '../../shared/contract/backtest';
import { TIMEFRAME_MS, type Timeframe } from '../domain/candles';
import type { Clock } from '../ports/clock';
import type { DomainEventPublisher, LivePulsePublisher } from '../ports/domain-events';
import { progressPulses } from '../events/progress-pulses';
import type { StrategyDefinition } from '../strategies/strategy';
import type { CandleCache } from './candle-cache';
import type { BacktestExecutor, JobHandle } from '../ports/backtest-executor';
import type { BacktestOrdering, BacktestRepository, BacktestRow, BacktestSettings } from '../ports/backtest-repository';
import { isoTime, type BacktestJob, type BacktestResults, type SleeveJob } from './run-backtest';
import { firstAtOrAfter } from './shared-series';
import { checkBacktestRequest, SPEC_TO_TIMEFRAME } from './request-checks';

export { SPEC_TO_TIMEFRAME };

/**
 * The backtest API's behaviour: validate, store (PENDING), load the candles as shared memory (sliced, off the
 * request), hand the job to the worker pool (RUNNING when a worker takes it), store the results (COMPLETED) or the
 * reason (FAILED). Cancelling is cooperative and fast (the run checks every 65,536 bars).
 *
 * Data coverage: a symbol is refused with "Insufficient historical data" when nothing is stored in the range, or when
 * its stored bars start more than 4 days after start_date or end more than 4 days before end_date (4 days leave
 * room for weekends and holidays at the edges of the range).
 */

export const CANCELLED_MESSAGE = 'Cancelled by the user';

export interface BacktestServiceDeps {
  repo: BacktestRepository;
  cache: CandleCache;
  executor: BacktestExecutor;
  clock: Clock;
  strategies: { find(name: string): StrategyDefinition | undefined; all(): readonly StrategyDefinition[] };
  /** Backtests pending or running at once (default 100); more are refused until some finish. */
  maxActive?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: unknown) => void;
  /** Told when a backtest ends (completed, failed or cancelled): BacktestCompleted. */
  events?: DomainEventPublisher;
  /** Running backtests' progress, pushed to every window (see progressPulses). */
  pulses?: LivePulsePublisher;
}

interface Active {
  handle?: JobHandle;
  cancelled: boolean;
  totalBars: number;
  finished: Promise<void>;
}

export class BacktestService {
  private readonly active = new Map<number, Active>();
  /** After close(): nothing is written any more (the database may be closed right after). */
  private closed = false;

  private readonly progressPulses;

  constructor(private readonly deps: BacktestServiceDeps) {
    this.progressPulses = progressPulses(
      'backtest',
      () => [...this.active.entries()].filter(([, entry]) => entry.totalBars > 0).map(([id, entry]) => ({ id, progress: this.percent(entry) })),
      deps.pulses,
    );
  }

  create(input: CreateBacktestInput): BacktestView {
    const { strategies, repo, clock } = this.deps;
    const maxActive = this.deps.maxActive ?? 100;
    if (this.active.size >= maxActive) {
      throw new DomainError('RATE_LIMITED', `Backtest already running: ${this.active.size} backtests are pending or running, the limit is ${maxActive}; wait for some to finish or delete them`, [
        { path: 'running_backtests', message: String(this.active.size) },
        { path: 'max_concurrent', message: String(maxActive) },
      ]);
    }
    const { definition, resolution } = checkBacktestRequest(input, this.deps.cache, strategies);
    // No size given (the form's or a script's defaults): all available equity, which buys the minimum lot of every
    // shipped instrument from a few thousand dollars, where a fixed cash default could not (a 0.01 lot of gold).
    const sizing = input.sizing === 'fixed_cash' && input.position_size === undefined ? 'all_equity' : input.sizing;
    const settings: BacktestSettings = {
      name: input.name,
      strategy: definition.name,
      symbols: input.symbols,
      timeframe: input.timeframe,
      start: input.start_date,
      end: input.end_date,
      config: resolution.config,
      initialCapital: input.initial_capital,
      positionSize: input.position_size ?? null,
      policy: {
        direction: input.direction,
        sizing,
        value: input.position_size ?? 0,
        rounding: input.size_rounding,
        commissionPct: input.commission_percent,
        commissionPerLot: input.commission_per_lot,
      },
      model: {
        fillAt: input.fill_at,
        spreadPoints: input.spread_points,
        slippagePoints: input.slippage_points,
        commissionPerLot: input.commission_per_lot,
        commissionPct: input.commission_percent,
      },
      warmUpBars: input.warm_up_bars,
    };
    const row = repo.insert(settings, resolution.warnings, nowIso(clock));
    this.schedule(row);
    return this.view(row, null);
  }

  get(id: number): BacktestView {
    const row = this.deps.repo.find(id, true);
    if (!row) throw notFound(id);
    return this.view(row, row.resultsJson ? (JSON.parse(row.resultsJson) as BacktestResults) : null);
  }

  list(query: ListBacktestsInput, basePath = '/api/backtest/') {
    const offset = (query.page - 1) * query.page_size;
    const { count, rows } = this.deps.repo.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.symbol ? { symbol: query.symbol } : {}),
      ordering: query.ordering as BacktestOrdering,
      limit: query.page_size,
      offset,
    });
    const link = (page: number) => {
      const params = new URLSearchParams({ page: String(page) });
      if (query.page_size !== 20) params.set('page_size', String(query.page_size));
      if (query.status) params.set('status', query.status);
      if (query.symbol) params.set('symbol', query.symbol);
      if (query.ordering !== '-created_at') params.set('ordering', query.ordering);
      return `${basePath}?${params.toString()}`;
    };
    return {
      count,
      next: offset + rows.length < count && rows.length > 0 ? link(query.page + 1) : null,
      previous: query.page > 1 ? link(Math.min(query.page - 1, Math.max(1, Math.ceil(count / query.page_size)))) : null,
      results: rows.map((row) => {
        const summary = row.summaryJson ? (JSON.parse(row.summaryJson) as BacktestResults['summary']) : null;
        return {
          id: row.id,
          name: row.settings.name,
          status: row.status,
          strategy: row.settings.strategy,
          symbols: row.settings.symbols,
          timeframe: row.settings.timeframe,
          start_date: isoTime(row.settings.start),
          end_date: isoTime(row.settings.end),
          progress: this.progressOf(row),
          created_at: row.createdAt,
          completed_at: row.completedAt,
          results: summary
            ? {
                summary: {
                  roi: summary.roi,
                  win_rate: summary.win_rate,
                  total_trades: summary.total_trades,
                  total_pnl: summary.total_pnl,
                  sharpe_ratio: summary.sharpe_ratio,
                  max_drawdown: summary.max_drawdown,
                },
              }
            : null,
        };
      }),
    };
  }

  /** Deletes a backtest; a pending or running one is cancelled first. */
  delete(id: number): null {
    const active = this.active.get(id);
    if (active) {
      active.cancelled = true;
      active.handle?.cancel();
    }
    if (!this.deps.repo.delete(id)) throw notFound(id);
    return null;
  }

  /** Cancels a pending or running backtest and waits (briefly) until it has stopped; it ends FAILED. */
  async cancel(id: number): Promise<BacktestView> {
    const row = this.deps.repo.find(id, false);
    if (!row) throw notFound(id);
    const active = this.active.get(id);
    if (!active) {
      throw new DomainError('ALREADY_EXISTS', `Backtest ${id} is ${row.status} already: only PENDING or RUNNING backtests can be cancelled`, [
        { path: 'status', message: row.status },
      ]);
    }
    active.cancelled = true;
    active.handle?.cancel();
    await Promise.race([active.finished, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    return this.get(id);
  }

  /** After a restart: backtests that were running are failed (they died with the process); pending ones run again. */
  start(): void {
    const { repo, clock } = this.deps;
    for (const id of repo.idsWithStatus('RUNNING')) {
      repo.finish(id, { status: 'FAILED', completedAt: nowIso(clock), progress: 0, error: 'Interrupted: the app stopped while this backtest ran; submit it again', summaryJson: null, resultsJson: null });
    }
    for (const id of repo.idsWithStatus('PENDING')) {
      const row = repo.find(id, false);
      if (row) this.schedule(row);
    }
  }

  /** A view of the repository that does nothing once the service is closed. */
  private guardedRepo(): BacktestRepository {
    const { repo } = this.deps;
    const open = () => !this.closed;
    return {
      insert: (...a) => repo.insert(...a),
      find: (id, withResults) => (open() ? repo.find(id, withResults) : undefined),
      list: (q) => repo.list(q),
      markRunning: (id, at) => (open() ? repo.markRunning(id, at) : undefined),
      finish: (id, o) => (open() ? repo.finish(id, o) : undefined),
      delete: (id) => repo.delete(id),
      idsWithStatus: (st) => repo.idsWithStatus(st),
    };
  }

  /**
   * Stops: nothing more is written, everything in flight is cancelled. Rows left PENDING run again on the next
   * start(); rows left RUNNING are marked failed then.
   */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.active.values()];
    for (const a of pending) {
      a.cancelled = true;
      a.handle?.cancel();
    }
    await Promise.race([Promise.allSettled(pending.map((a) => a.finished)), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }

  /** How many are pending or running. */
  activeCount(): number {
    return this.active.size;
  }


  private schedule(row: BacktestRow): void {
    const entry: Active = { cancelled: false, totalBars: 0, finished: Promise.resolve() };
    this.active.set(row.id, entry);
    this.progressPulses.ensure();
    entry.finished = this.runToEnd(row, entry).finally(() => {
      this.active.delete(row.id);
      this.announceEnd(row.id);
    });
  }

  private announceEnd(id: number): void {
    if (this.closed || !this.deps.events) return;
    const row = this.deps.repo.find(id, false);
    if (!row || (row.status !== 'COMPLETED' && row.status !== 'FAILED')) return;
    this.deps.events.publish([{
      type: 'BacktestCompleted', severity: row.status === 'COMPLETED' ? 'info' : 'warning', taskId: null, code: row.status,
      message: `Backtest ${id} ${row.status === 'COMPLETED' ? 'completed' : `failed: ${row.error ?? 'no reason given'}`}`,
      data: { backtestId: String(id), status: row.status },
    }]);
  }

  private async runToEnd(row: BacktestRow, entry: Active): Promise<void> {
    const { clock } = this.deps;
    const repo = this.guardedRepo();
    const fail = (error: string, progress = 0) =>
      repo.finish(row.id, { status: 'FAILED', completedAt: nowIso(clock), progress, error, summaryJson: null, resultsJson: null });
    try {
      const job = await this.buildJob(row.settings);
      entry.totalBars = job.sleeves.reduce((n, s) => n + (s.to - s.from), 0);
      if (entry.cancelled) {
        if (repo.find(row.id, false)) fail(CANCELLED_MESSAGE);
        return;
      }
      if (this.closed) return;
      entry.handle = this.deps.executor.run(job, () => {
        if (!entry.cancelled) repo.markRunning(row.id, nowIso(clock));
      });
      const outcome = await entry.handle.done;
      if (!repo.find(row.id, false)) return; // deleted meanwhile
      if (outcome.cancelled || entry.cancelled) {
        fail(CANCELLED_MESSAGE, this.percent(entry));
        return;
      }
      repo.finish(row.id, { status: 'COMPLETED', completedAt: nowIso(clock), progress: 100, error: null, summaryJson: outcome.summaryJson, resultsJson: outcome.resultsJson });
    } catch (error) {
      this.deps.log?.('error', `backtest ${row.id} failed`, { error });
      if (repo.find(row.id, false)) fail(entry.cancelled ? CANCELLED_MESSAGE : `The backtest failed: ${(error as Error)?.message ?? String(error)}`, this.percent(entry));
    }
  }

  private async buildJob(settings: BacktestSettings): Promise<BacktestJob> {
    const timeframe = SPEC_TO_TIMEFRAME[settings.timeframe] as Timeframe;
    const sleeves: SleeveJob[] = [];
    for (const symbol of settings.symbols) {
      const series = await this.deps.cache.series(symbol, timeframe);
      if (!series || series.length === 0) throw new Error(`no ${symbol} ${settings.timeframe} candles are stored any more`);
      const from = firstAtOrAfter(series, settings.start);
      const to = firstAtOrAfter(series, settings.end);
      if (to <= from) throw new Error(`no ${symbol} ${settings.timeframe} bars between the dates any more`);
      sleeves.push({ symbol, series, warmFrom: Math.max(0, from - settings.warmUpBars), from, to });
    }
    return {
      strategy: settings.strategy,
      config: settings.config,
      capital: settings.initialCapital,
      timeframeMs: TIMEFRAME_MS[timeframe],
      model: settings.model,
      policy: settings.policy,
      sleeves,
    };
  }

  private percent(entry: Active | undefined): number {
    if (!entry?.handle || entry.totalBars === 0) return 0;
    return Math.min(100, Math.round((entry.handle.barsDone() / entry.totalBars) * 1000) / 10);
  }

  private progressOf(row: BacktestRow): number {
    if (row.status === 'COMPLETED') return 100;
    if (row.status === 'RUNNING') return this.percent(this.active.get(row.id));
    return row.progress;
  }

  private view(row: BacktestRow, stored: BacktestResults | null): BacktestView {
    const s = row.settings;
    // The run's own warnings (refused entries, no signal) join the request's at the top, where scripts look.
    const { warnings: runWarnings = [], ...results } = stored ?? { warnings: [] };
    return {
      id: row.id,
      name: s.name,
      status: row.status,
      strategy: s.strategy,
      symbols: s.symbols,
      timeframe: s.timeframe,
      start_date: isoTime(s.start),
      end_date: isoTime(s.end),
      strategy_params: s.config,
      initial_capital: s.initialCapital,
      position_size: s.positionSize,
      sizing: s.policy.sizing,
      size_rounding: s.policy.rounding,
      direction: s.policy.direction,
      fill_at: s.model.fillAt,
      commission_percent: s.model.commissionPct,
      commission_per_lot: s.model.commissionPerLot,
      spread_points: s.model.spreadPoints,
      slippage_points: s.model.slippagePoints,
      warm_up_bars: s.warmUpBars,
      progress: this.progressOf(row),
      error: row.error,
      warnings: [...row.warnings, ...runWarnings],
      created_at: row.createdAt,
      started_at: row.startedAt,
      completed_at: row.completedAt,
      results: stored ? (results as Omit<BacktestResults, 'warnings'>) : null,
    };
  }
}

function notFound(id: number): DomainError {
  return new DomainError('NOT_FOUND', `Backtest run not found: there is no backtest ${id}`);
}

/** ISO 8601 to the second, as the spec writes times ("2024-11-06T10:30:00Z"). */
function nowIso(clock: Clock): string {
  return clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
