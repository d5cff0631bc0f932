import type { OrderPolicySettings } from '../engine/order-policy';
import type { ExecutionModel } from '../engine/simulated-exchange';

/** Where backtests are kept (SQLite in the app): what the backtest service needs from storage. */

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
