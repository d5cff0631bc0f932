import { evaluateTask, monteCarloTask, type EvaluateTask } from '../../core/research/tasks';
import type { MonteCarloTask } from '../../core/research/monte-carlo';
import { CONTROL_CANCEL, CONTROL_DONE, MONTE_CARLO_PROGRESS_SCALE } from '../../adapters/workers/protocol';

/**
 * Named tasks a pool thread runs besides backtest jobs (BacktestWorkerPool.runTask): research jobs' work. Each gets
 * its payload and the job's shared control block: it polls CONTROL_CANCEL and writes its progress to CONTROL_DONE.
 */
export type WorkerTask = (payload: unknown, control: Int32Array) => { value: unknown; cancelled: boolean };

export const WORKER_TASKS: Readonly<Record<string, WorkerTask>> = {
  /** Backtests of one job with several parameter sets (summaries only). */
  'research.evaluate': (payload, control) => {
    const result = evaluateTask(payload as EvaluateTask, {
      shouldStop: () => Atomics.load(control, CONTROL_CANCEL) !== 0,
      progress: () => {},
    });
    return { value: result, cancelled: result.cancelled };
  },
  /** A whole Monte Carlo simulation; progress = fraction of paths × MONTE_CARLO_PROGRESS_SCALE. */
  'research.montecarlo': (payload, control) => {
    const results = monteCarloTask(
      payload as MonteCarloTask,
      () => Atomics.load(control, CONTROL_CANCEL) !== 0,
      (fraction) => Atomics.store(control, CONTROL_DONE, Math.round(fraction * MONTE_CARLO_PROGRESS_SCALE)),
    );
    return { value: results, cancelled: results === null };
  },
};
