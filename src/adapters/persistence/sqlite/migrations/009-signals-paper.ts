/**
 * Signals (binance-trading-bot /api/signals/) and paper-trading runs (/api/paper-trading/...).
 *
 * signals: every entry decision a strategy reported on a live bar (written in that bar's transaction), acted on or
 * filtered and why, and the signals created by hand through the API. Whether a signal is still active is derived
 * when it is read (its position still open, its order still in flight), never stored, so it cannot go stale.
 *
 * paper_runs: one row per enable → disable of paper trading; its tasks are those of its trading session. At most
 * one run is enabled at a time (partial unique index).
 *
 * paper_position_numbers: the integer ids the document gives positions (`/positions/{id}/close`) for the engine's
 * text position ids; AUTOINCREMENT so a number is never handed out twice.
 */
export const signalsPaperMigration = {
  version: 9,
  name: 'signals and paper trading',
  sql: `
    CREATE TABLE signals (
      id              INTEGER PRIMARY KEY AUTOINCREMENT,
      source          TEXT    NOT NULL CHECK (source IN ('strategy', 'manual')),
      task_id         INTEGER REFERENCES trading_tasks(id),
      strategy_name   TEXT,
      symbol          TEXT    NOT NULL,
      timeframe       TEXT    NOT NULL CHECK (timeframe IN ('1M', '5M', '15M', '1H', '4H', '1D')),
      side            TEXT    NOT NULL CHECK (side IN ('BUY', 'SELL')),
      bar_time        INTEGER,
      time            INTEGER NOT NULL,
      entry_price     REAL    NOT NULL,
      stop_loss       REAL,
      take_profit     REAL,
      confidence      REAL    NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
      description     TEXT    NOT NULL,
      conditions_json TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(conditions_json)),
      indicators_json TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(indicators_json)),
      outcome         TEXT    NOT NULL CHECK (outcome IN ('acted', 'filtered', 'manual')),
      outcome_reason  TEXT,
      client_order_id TEXT,
      recorded_at     TEXT    NOT NULL
    );
    -- A bar replayed after a crash reports the same decision again: it is the same signal.
    CREATE UNIQUE INDEX signals_one_per_task_bar_side ON signals(task_id, bar_time, side) WHERE task_id IS NOT NULL;
    CREATE INDEX signals_by_symbol_time ON signals(symbol, time);
    CREATE INDEX signals_by_time ON signals(time);
    CREATE INDEX signals_by_order ON signals(client_order_id) WHERE client_order_id IS NOT NULL;

    CREATE TABLE paper_runs (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      session_id    TEXT    NOT NULL UNIQUE REFERENCES trading_sessions(id),
      settings_json TEXT    NOT NULL CHECK (json_valid(settings_json)),
      enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
      started_at    TEXT    NOT NULL,
      stopped_at    TEXT,
      final_capital REAL,
      total_pnl     REAL
    );
    CREATE UNIQUE INDEX paper_runs_one_enabled ON paper_runs(enabled) WHERE enabled = 1;

    CREATE TABLE paper_position_numbers (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      position_id TEXT    NOT NULL UNIQUE
    );
    CREATE INDEX positions_by_client_order ON positions(client_order_id);
  `,
};
