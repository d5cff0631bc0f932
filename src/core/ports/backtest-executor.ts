import type { BacktestJob, SeriesColumns, SleeveJob } from '../backtest/run-backtest';

/**
 * Where backtest jobs run: a pool of worker threads in the app (adapters/workers), inline in tests
 * (core/backtest/inline-executor.ts). The job is plain data (bars as shared columns), so it crosses a thread.
 */

export type { BacktestJob, SeriesColumns, SleeveJob };

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
