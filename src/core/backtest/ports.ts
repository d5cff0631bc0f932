import type { OrderPolicySettings } from '../engine/order-policy';
import type { ExecutionModel } from '../engine/simulated-exchange';
import type { RunControl } from './engine';
import { executeBacktest, type BacktestJob } from './run-backtest';

/** What the backtest service needs from storage and from the worker pool. */

export type BacktestStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/** Everything a backtest was asked to do, normalized (stored as JSON; the view echoes it). */
export interface BacktestSettings {
  name: string;
  strategy: string;
  symbols: string[];
  /** The spec's spelling: 1m, 5m, 15m, 1h, 4h, 1d. */
  timeframe: string;
  /** Bars with start ≤ open time < end are traded (epoch ms). */
  start: number;
  end: number;
  config: Record<string, number | boolean>;
  initialCapital: number;
  positionSize: number | null;
  policy: OrderPolicySettings;
  model: ExecutionModel;
  warmUpBars: number;
}

export interface BacktestRow {
  id: number;
  status: BacktestStatus;
  settings: BacktestSettings;
  warnings: string[];
  progress: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  summaryJson: string | null;
  /** Only when asked for (the full results can be megabytes). */
  resultsJson?: string | null;
}

export type BacktestOrdering = `${'' | '-'}${'id' | 'name' | 'status' | 'created_at' | 'completed_at' | 'roi' | 'win_rate' | 'total_trades' | 'total_pnl' | 'sharpe_ratio' | 'max_drawdown' | 'profit_factor'}`;

export interface BacktestListQuery {
  status?: BacktestStatus;
  symbol?: string;
  ordering: BacktestOrdering;
  limit: number;
  offset: number;
}

export interface BacktestRepository {
  insert(settings: BacktestSettings, warnings: string[], createdAt: string): BacktestRow;
  find(id: number, withResults: boolean): BacktestRow | undefined;
  list(query: BacktestListQuery): { count: number; rows: BacktestRow[] };
  markRunning(id: number, startedAt: string): void;
  finish(id: number, outcome: { status: 'COMPLETED' | 'FAILED'; completedAt: string; progress: number; error: string | null; summaryJson: string | null; resultsJson: string | null }): void;
  delete(id: number): boolean;
  idsWithStatus(status: BacktestStatus): number[];
}

export interface JobOutcome {
  resultsJson: string;
  summaryJson: string;
  cancelled: boolean;
}

export interface JobHandle {
  /** Settles when the job ends; rejects with the error when it failed. */
  readonly done: Promise<JobOutcome>;
  /** Cooperative: the run stops at its next progress check (every 65,536 bars). */
  cancel(): void;
  /** Bars processed so far (traded bars, all symbols). */
  barsDone(): number;
}

/** Runs backtest jobs off the thread that serves the API (a worker pool), or inline for tests. */
export interface BacktestExecutor {
  run(job: BacktestJob, onStart: () => void): JobHandle;
  close(): Promise<void>;
}

/** The work a worker does for one job: the backtest, serialized there (not on the API thread). */
export function runJobToJson(job: BacktestJob, control?: RunControl): JobOutcome {
  const { results, cancelled } = executeBacktest(job, control);
  return { resultsJson: JSON.stringify(results), summaryJson: JSON.stringify(results.summary), cancelled };
}

/**
 * Runs each job on this thread, after a turn of the event loop. Only for tests and as a fallback where worker
 * threads are unavailable: a long backtest blocks the event loop while it runs.
 */
export class InlineBacktestExecutor implements BacktestExecutor {
  run(job: BacktestJob, onStart: () => void): JobHandle {
    let cancelled = false;
    let bars = 0;
    const done = new Promise<JobOutcome>((resolve, reject) => {
      setImmediate(() => {
        try {
          onStart();
          resolve(runJobToJson(job, { shouldStop: () => cancelled, progress: (n) => (bars = n) }));
        } catch (error) {
          reject(error);
        }
      });
    });
    return { done, cancel: () => (cancelled = true), barsDone: () => bars };
  }

  async close(): Promise<void> {}
}
