/**
 * Paper-trading runs (binance-trading-bot /api/paper-trading/...): each enable starts a run — a trading session of
 * its own whose tasks trade on the paper broker — and disable ends it. Kept in SQLite so a run survives restarts.
 */
export interface PaperTradingSettings {
  initial_capital: number;
  /** Each opening order is sized at this % of the account's equity. */
  position_size_percent: number;
  /** Open positions allowed at once across the run's symbols. */
  max_open_positions: number;
  /** true: positions close at their stop-loss/take-profit; false: no TP/SL is placed, positions close only by order. */
  auto_close_on_sl_tp: boolean;
  symbols: string[];
  /** As the document writes it ("4h"). */
  timeframe: string;
  strategy: string;
  strategy_params: Record<string, unknown>;
}

export interface PaperRun {
  id: number;
  sessionId: string;
  settings: PaperTradingSettings;
  enabled: boolean;
  startedAt: string;
  stoppedAt: string | null;
  /** Set when the run is disabled: initial capital + realized P&L, and that P&L. */
  finalCapital: number | null;
  totalPnl: number | null;
}

export interface PaperTradingRepository {
  start(sessionId: string, settings: PaperTradingSettings, startedAt: string): PaperRun;
  stop(id: number, result: { stoppedAt: string; finalCapital: number; totalPnl: number }): void;
  /** Removes a run that never started (its tasks could not start). */
  discard(id: number): void;
  /** The enabled run, if any. */
  active(): PaperRun | undefined;
  /** The enabled run, else the last one. */
  latest(): PaperRun | undefined;
  bySession(sessionId: string): PaperRun | undefined;
  all(): PaperRun[];
  /** Numbers every position and closed trade of the runs' tasks not numbered yet, in the order they opened. */
  numberAll(): void;
  /** The document's integer id of an engine position id, assigned on first use (never reused). */
  numberOf(positionId: string): number;
  /** The engine position id behind a number. */
  positionIdOf(number: number): string | undefined;
}
