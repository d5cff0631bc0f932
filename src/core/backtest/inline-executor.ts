import type { RunControl } from './engine';
import { executeBacktest, type BacktestJob } from './run-backtest';
import type { BacktestExecutor, JobHandle, JobOutcome } from '../ports/backtest-executor';

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
