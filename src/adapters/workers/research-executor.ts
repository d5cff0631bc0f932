import type { EvaluateResult, EvaluateTask, MonteCarloResults, MonteCarloTask, ResearchExecutor } from '../../core/ports/research-executor';
import type { BacktestWorkerPool, TaskHandle } from './backtest-pool';
import { MONTE_CARLO_PROGRESS_SCALE } from './protocol';

/**
 * Research jobs on the backtest worker pool: every batch of backtests and every Monte Carlo simulation is a named
 * task on the pool's threads (off the thread that serves the API). An abort of the job's signal sets the task's
 * cancel flag; a task still queued is dropped.
 */
export class PoolResearchExecutor implements ResearchExecutor {
  constructor(private readonly pool: BacktestWorkerPool) {}

  get concurrency(): number {
    return this.pool.size;
  }

  async evaluate(task: EvaluateTask, signal?: AbortSignal): Promise<EvaluateResult> {
    const handle = this.pool.runTask<EvaluateResult>('research.evaluate', task);
    const outcome = await withAbort(handle, signal);
    return outcome.cancelled || !outcome.value ? { summaries: [], problems: [], cancelled: true } : outcome.value;
  }

  async monteCarlo(task: MonteCarloTask, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<MonteCarloResults | null> {
    const handle = this.pool.runTask<MonteCarloResults | null>('research.montecarlo', task);
    const timer = onProgress ? setInterval(() => onProgress(handle.progress() / MONTE_CARLO_PROGRESS_SCALE), 100) : undefined;
    timer?.unref();
    try {
      const outcome = await withAbort(handle, signal);
      return outcome.cancelled ? null : outcome.value;
    } finally {
      if (timer) clearInterval(timer);
    }
  }
}

async function withAbort<T>(handle: TaskHandle<T>, signal: AbortSignal | undefined) {
  if (!signal) return handle.done;
  if (signal.aborted) handle.cancel();
  const onAbort = () => handle.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await handle.done;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
