/**
 * The figures an optimization can rank parameter sets by: fields of a backtest summary (see
 * src/core/backtest/statistics.ts for their definitions). Higher is better, except max_drawdown (a positive % fall:
 * lower is better). A figure that is undefined for a run (null: a Sharpe ratio without two daily returns, a profit
 * factor without a losing trade) ranks below every defined one. Ties keep the earlier grid point, so the ranking
 * is deterministic.
 */
import { OPTIMIZATION_METRICS } from '../../shared/contract/research';

export { OPTIMIZATION_METRICS };
export type OptimizationMetric = (typeof OPTIMIZATION_METRICS)[number];

export const DEFAULT_OPTIMIZATION_METRIC: OptimizationMetric = 'sharpe_ratio';

/** The summary fields the research jobs read (a subset of the backtester's Summary). */
export interface SummaryFigures {
  roi: number;
  win_rate: number | null;
  profit_factor: number | null;
  sharpe_ratio: number | null;
  sortino_ratio: number | null;
  max_drawdown: number;
  total_trades: number;
  total_pnl: number;
  final_capital: number;
  expectancy: number | null;
  cagr: number | null;
}

export const METRIC_HELP: Readonly<Record<OptimizationMetric, string>> = {
  sharpe_ratio: 'annualized Sharpe ratio of the daily returns (higher is better)',
  sortino_ratio: 'annualized Sortino ratio of the daily returns (higher is better)',
  roi: 'return on the initial capital, % (higher is better)',
  total_pnl: 'net profit in the account currency (higher is better)',
  profit_factor: 'gross profit / gross loss (higher is better)',
  win_rate: 'winning trades / trades, % (higher is better)',
  expectancy: 'mean net P&L per trade (higher is better)',
  cagr: 'compound annual growth rate, % (higher is better)',
  max_drawdown: 'largest mark-to-market fall from a peak, % (LOWER is better)',
  calmar_ratio: 'roi / max_drawdown (higher is better; null without a drawdown)',
};

/** The value of `metric` for a summary, oriented so that higher is always better; null when undefined. */
export function metricScore(summary: SummaryFigures, metric: OptimizationMetric): number | null {
  switch (metric) {
    case 'max_drawdown':
      return -summary.max_drawdown;
    case 'calmar_ratio':
      return summary.max_drawdown > 0 ? summary.roi / summary.max_drawdown : null;
    default: {
      const value = summary[metric];
      return value === null || value === undefined || !Number.isFinite(value) ? null : value;
    }
  }
}

/** The value as reported (max_drawdown not negated). */
export function metricValue(summary: SummaryFigures, metric: OptimizationMetric): number | null {
  const score = metricScore(summary, metric);
  if (score === null) return null;
  return metric === 'max_drawdown' ? -score : score;
}

/** True when score a ranks strictly above score b (null below everything). */
export function better(a: number | null, b: number | null): boolean {
  if (a === null) return false;
  if (b === null) return true;
  return a > b;
}

/** Compares two (score, index) pairs for sorting best-first: higher score, then lower grid index. */
export function compareRanked(a: { score: number | null; index: number }, b: { score: number | null; index: number }): number {
  if (a.score !== b.score) {
    if (a.score === null) return 1;
    if (b.score === null) return -1;
    return b.score - a.score;
  }
  return a.index - b.index;
}
