import type { MonteCarloResults, MonteCarloTask } from '../research/monte-carlo';
import type { EvaluateResult, EvaluateTask } from '../research/tasks';

export type { EvaluateResult, EvaluateTask, MonteCarloResults, MonteCarloTask };

/** Where research's CPU-heavy tasks run: the worker pool in the app (adapters/workers), inline in unit tests. */
export interface ResearchExecutor {
  /** How many tasks can run at the same time (the pool's workers). */
  readonly concurrency: number;
  evaluate(task: EvaluateTask, signal?: AbortSignal): Promise<EvaluateResult>;
  monteCarlo(task: MonteCarloTask, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<MonteCarloResults | null>;
}
