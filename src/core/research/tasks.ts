import type { RunControl } from '../backtest/engine';
import { executeBacktest, type BacktestJob } from '../backtest/run-backtest';
import { resolveConfig } from '../strategies/params';
import { findStrategy } from '../strategies/registry';
import type { SummaryFigures } from './metrics';
import { runMonteCarlo, type MonteCarloResults, type MonteCarloTask } from './monte-carlo';
import type { ParamValue } from './parameter-space';

/**
 * The CPU-heavy work of research jobs, as plain functions of structured-clonable data: what a worker thread runs.
 * The bars inside `job.sleeves[].series` are SharedArrayBuffer-backed columns, so a task message carries views on
 * the same memory (no copy per task).
 */

/** Several backtests of one job, each with the job's config overlaid by one parameter set (summary only). */
export interface EvaluateTask {
  job: BacktestJob;
  overrides: Record<string, ParamValue>[];
}

export interface EvaluateResult {
  /** One per override, in order; null when that combination is not a valid config (its reason in `problems`). */
  summaries: (SummaryFigures | null)[];
  problems: (string | null)[];
  /** One per override: what its backtest warned of (refused entries and why, no signal fired); [] when invalid. */
  warnings?: string[][];
  /** Stopped by the cancel flag; the summaries after the stop are missing. */
  cancelled: boolean;
}

function figures(s: SummaryFigures): SummaryFigures {
  return {
    roi: s.roi,
    win_rate: s.win_rate,
    profit_factor: s.profit_factor,
    sharpe_ratio: s.sharpe_ratio,
    sortino_ratio: s.sortino_ratio,
    max_drawdown: s.max_drawdown,
    total_trades: s.total_trades,
    total_pnl: s.total_pnl,
    final_capital: s.final_capital,
    expectancy: s.expectancy,
    cagr: s.cagr,
  };
}

/** Runs the task's backtests in order; `control` (optional) is polled for cancel inside each run. */
export function evaluateTask(task: EvaluateTask, control?: RunControl): EvaluateResult {
  const definition = findStrategy(task.job.strategy);
  if (!definition) throw new RangeError(`Unknown strategy "${task.job.strategy}"`);
  const summaries: (SummaryFigures | null)[] = [];
  const problems: (string | null)[] = [];
  const warnings: string[][] = [];
  for (const override of task.overrides) {
    if (control?.shouldStop()) return { summaries, problems, warnings, cancelled: true };
    const { config, errors } = resolveConfig(definition, { ...task.job.config, ...override });
    if (errors.length > 0) {
      summaries.push(null);
      problems.push(errors.join('; '));
      warnings.push([]);
      continue;
    }
    // Summary only: no trade list, no equity curve (4× faster with many trades); the summary is the same.
    const outcome = executeBacktest({ ...task.job, config, collectTrades: false }, control, definition);
    if (outcome.cancelled) return { summaries, problems, warnings, cancelled: true };
    summaries.push(figures(outcome.results.summary));
    problems.push(null);
    warnings.push(outcome.results.warnings);
  }
  return { summaries, problems, warnings, cancelled: false };
}

/** A whole Monte Carlo simulation; null when cancelled. `progress` gets the fraction of paths done. */
export function monteCarloTask(task: MonteCarloTask, shouldStop?: () => boolean, progress?: (fraction: number) => void): MonteCarloResults | null {
  return runMonteCarlo(task, (done) => {
    progress?.(done / task.simulations);
    return shouldStop?.() ?? false;
  });
}
