/**
 * What research jobs need from outside core: somewhere to keep them (SQLite in the app) and a completed backtest's
 * trades (the backtest store).
 */

export type ResearchKind = 'optimization' | 'walkforward' | 'montecarlo';
export type ResearchStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface ResearchRecord {
  id: number;
  kind: ResearchKind;
  name: string;
  status: ResearchStatus;
  /** 0–100; the live figure of a running job is held in memory, the stored one is updated at the end. */
  progress: number;
  /** The request as the API answers it back (JSON object). */
  request: Record<string, unknown>;
  results: unknown;
  error: string | null;
  backtestId: number | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface NewResearchRecord {
  kind: ResearchKind;
  name: string;
  request: Record<string, unknown>;
  backtestId: number | null;
  createdAt: string;
}

export interface ResearchRepository {
  create(record: NewResearchRecord): ResearchRecord;
  get(kind: ResearchKind, id: number): ResearchRecord | undefined;
  /** Newest first. */
  list(kind: ResearchKind, options: { status?: ResearchStatus | undefined; limit: number; offset: number }): { count: number; rows: ResearchRecord[] };
  markRunning(id: number, startedAt: string): void;
  finish(id: number, outcome: { status: 'COMPLETED' | 'FAILED'; progress: number; results: unknown; error: string | null; completedAt: string }): void;
  delete(kind: ResearchKind, id: number): boolean;
  /** Jobs left PENDING or RUNNING by a previous run of the app become FAILED with `error`; returns how many. */
  failUnfinished(error: string, completedAt: string): number;
}

/** A completed backtest's closed trades, as Monte Carlo resamples them. */
export interface BacktestTrades {
  status: string;
  initialCapital: number;
  /** Net P&L of each closed trade, in exit order. */
  pnl: number[];
}

export interface BacktestTradesSource {
  /** undefined when there is no such backtest. */
  trades(backtestId: number): BacktestTrades | undefined;
}
