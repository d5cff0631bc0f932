import type { BacktestJob } from '../backtest/run-backtest';
import { compareRanked, metricScore, type OptimizationMetric, type SummaryFigures } from './metrics';
import type { ParameterSpace, ParamValue } from './parameter-space';
import type { ResearchExecutor } from '../ports/research-executor';
import { lowerBoundTime, overallMetrics, type OverallMetrics, type WindowBounds } from './walk-forward';

/**
 * Orchestration of research jobs on the thread that serves the API: it only splits the work into tasks, hands them
 * to the executor (the worker pool) and ranks what comes back; every backtest and every Monte Carlo path runs in
 * the executor.
 */

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

/** At most `limit` promises from `run` at once, first come first served. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Bars a batch of backtests should add up to: ~50 ms of work at ~2 M bars/s, so progress and cancel stay prompt. */
export const TARGET_BATCH_BARS = 100_000;
export const MAX_BATCH = 64;

/** The job restricted to the bars in [startMs, endMs) of each sleeve, with up to `warmupBars` bars before for warm-up. */
export function rangeJob(job: BacktestJob, startMs: number, endMs: number, warmupBars: number): { job: BacktestJob; bars: number } {
  let bars = 0;
  const sleeves = job.sleeves.map((sleeve) => {
    const { time, length } = sleeve.series;
    const lo = Math.max(sleeve.warmFrom, 0);
    const from = Math.max(lowerBoundTime(time, length, startMs), sleeve.from);
    const to = Math.max(from, Math.min(lowerBoundTime(time, length, endMs), sleeve.to));
    bars += to - from;
    return { ...sleeve, warmFrom: Math.max(lo, from - warmupBars), from, to };
  });
  return { job: { ...job, sleeves }, bars };
}

function barsOf(job: BacktestJob): number {
  return job.sleeves.reduce((n, s) => n + (s.to - s.warmFrom), 0);
}

export interface RankedPoint {
  /** Grid index of the parameter set. */
  index: number;
  params: Record<string, ParamValue>;
  summary: SummaryFigures;
  /** The metric's value, oriented higher-is-better (max_drawdown negated); null when undefined for the run. */
  score: number | null;
  /** What this set's backtest warned of (refused entries, no signal fired). */
  warnings: string[];
}

export interface OptimizationOutcome {
  /** Every valid evaluated point, best first. */
  ranked: RankedPoint[];
  /** Points whose parameters do not make a valid config (e.g. long_rsi_min above long_rsi_max), and why (first). */
  skipped: number;
  skipReason: string | null;
}

export interface OptimizeOptions {
  job: BacktestJob;
  space: ParameterSpace;
  points: readonly number[];
  metric: OptimizationMetric;
  executor: ResearchExecutor;
  limiter: Limiter;
  signal: AbortSignal;
  /** Called with the number of backtests just finished. */
  onEvaluated?: (count: number) => void;
}

/** Evaluates every point (in batches spread over the executor) and ranks them by the metric. */
export async function optimize(options: OptimizeOptions): Promise<OptimizationOutcome> {
  const { job, space, points, metric, executor, limiter, signal } = options;
  const perRun = Math.max(1, barsOf(job));
  // At least 8 batches per worker, so the workers end together (a last big batch on one worker would idle the others).
  const spread = Math.max(1, Math.ceil(points.length / (executor.concurrency * 8)));
  const batchSize = Math.max(1, Math.min(MAX_BATCH, Math.floor(TARGET_BATCH_BARS / perRun), spread));
  const batches: number[][] = [];
  for (let i = 0; i < points.length; i += batchSize) batches.push(points.slice(i, i + batchSize));

  const ranked: RankedPoint[] = [];
  let skipped = 0;
  let skipReason: string | null = null;
  await Promise.all(
    batches.map((batch) =>
      limiter.run(async () => {
        if (signal.aborted) throw new CancelledError();
        const params = batch.map((index) => space.at(index));
        const result = await executor.evaluate({ job, overrides: params }, signal);
        if (result.cancelled || signal.aborted) throw new CancelledError();
        result.summaries.forEach((summary, k) => {
          if (summary === null) {
            skipped++;
            skipReason ??= result.problems[k] ?? null;
            return;
          }
          ranked.push({ index: batch[k] as number, params: params[k] as Record<string, ParamValue>, summary, score: metricScore(summary, metric), warnings: result.warnings?.[k] ?? [] });
        });
        options.onEvaluated?.(batch.length);
      }),
    ),
  );
  ranked.sort(compareRanked);
  return { ranked, skipped, skipReason };
}

export interface WindowResult {
  bounds: WindowBounds;
  best: RankedPoint;
  outSample: SummaryFigures;
  /** What the out-of-sample backtest warned of (refused entries, no signal fired). */
  outSampleWarnings: string[];
  inSampleBars: number;
  outSampleBars: number;
  evaluated: number;
  skipped: number;
}

export interface WalkForwardOptions {
  job: BacktestJob;
  windows: readonly WindowBounds[];
  space: ParameterSpace;
  points: readonly number[];
  metric: OptimizationMetric;
  warmupBars: number;
  executor: ResearchExecutor;
  limiter: Limiter;
  signal: AbortSignal;
  onEvaluated?: (count: number) => void;
}

/** Keeps the windows that have bars on both sides (see walk-forward.ts). */
export function usableWindows(job: BacktestJob, windows: readonly WindowBounds[], warmupBars: number): WindowBounds[] {
  return windows.filter((w) => rangeJob(job, w.isStart, w.isEnd, warmupBars).bars > 0 && rangeJob(job, w.oosStart, w.oosEnd, warmupBars).bars > 0);
}

/**
 * Every window's in-sample optimization, then its out-of-sample run with the best parameters. Windows run side by
 * side through the shared limiter (an OOS run starts as soon as its own IS ranking is known).
 */
export async function walkForward(options: WalkForwardOptions): Promise<{ windows: WindowResult[]; overall: OverallMetrics }> {
  const { job, space, points, metric, warmupBars, executor, limiter, signal } = options;
  const results = await Promise.all(
    options.windows.map(async (bounds): Promise<WindowResult> => {
      const inSample = rangeJob(job, bounds.isStart, bounds.isEnd, warmupBars);
      const outSample = rangeJob(job, bounds.oosStart, bounds.oosEnd, warmupBars);
      const optimization = await optimize({ job: inSample.job, space, points, metric, executor, limiter, signal, ...(options.onEvaluated ? { onEvaluated: options.onEvaluated } : {}) });
      const best = optimization.ranked[0];
      if (!best) throw new RangeError(`No parameter set of the grid is a valid configuration: ${optimization.skipReason ?? 'none was evaluated'}`);
      const oos = await limiter.run(async () => {
        if (signal.aborted) throw new CancelledError();
        const result = await executor.evaluate({ job: outSample.job, overrides: [best.params] }, signal);
        if (result.cancelled || signal.aborted) throw new CancelledError();
        return { summary: result.summaries[0], warnings: result.warnings?.[0] ?? [] };
      });
      options.onEvaluated?.(1);
      if (!oos.summary) throw new RangeError('The out-of-sample run of the best parameters failed');
      return {
        bounds,
        best,
        outSample: oos.summary,
        outSampleWarnings: oos.warnings,
        inSampleBars: inSample.bars,
        outSampleBars: outSample.bars,
        evaluated: optimization.ranked.length,
        skipped: optimization.skipped,
      };
    }),
  );
  return { windows: results, overall: overallMetrics(results.map((w) => ({ bounds: w.bounds, inSample: w.best.summary, outSample: w.outSample }))) };
}

/** Runs tasks in this thread (unit tests, tools): the same functions the workers run. */
export async function inlineExecutor(): Promise<ResearchExecutor> {
  const { evaluateTask, monteCarloTask } = await import('./tasks');
  return {
    concurrency: 1,
    async evaluate(task, signal) {
      return evaluateTask(task, signal ? { shouldStop: () => signal.aborted, progress: () => {} } : undefined);
    },
    async monteCarlo(task, signal, onProgress) {
      return monteCarloTask(task, () => signal?.aborted ?? false, onProgress);
    },
  };
}
