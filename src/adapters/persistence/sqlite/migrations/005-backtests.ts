/**
 * Backtests (binance-trading-bot-api.md /api/backtest/). The request is kept as JSON (normalized settings); the
 * summary apart from the full results so that lists and ordering by a statistic never read the trades.
 * AUTOINCREMENT: a deleted backtest's id is never reused, so a script holding an old id gets a 404.
 */
export const backtestsMigration = {
  version: 5,
  name: 'backtests',
  sql: `
    CREATE TABLE backtests (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      name          TEXT    NOT NULL,
      status        TEXT    NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
      strategy      TEXT    NOT NULL,
      timeframe     TEXT    NOT NULL,
      settings_json TEXT    NOT NULL CHECK (json_valid(settings_json)),
      warnings_json TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(warnings_json)),
      progress      REAL    NOT NULL DEFAULT 0,
      error         TEXT,
      summary_json  TEXT    CHECK (summary_json IS NULL OR json_valid(summary_json)),
      results_json  TEXT,
      created_at    TEXT    NOT NULL,
      started_at    TEXT,
      completed_at  TEXT
    );
    CREATE INDEX backtests_by_status ON backtests(status);
    CREATE INDEX backtests_by_created ON backtests(created_at, id);
    CREATE TABLE backtest_symbols (
      backtest_id INTEGER NOT NULL REFERENCES backtests(id) ON DELETE CASCADE,
      symbol      TEXT    NOT NULL,
      position    INTEGER NOT NULL,
      PRIMARY KEY (backtest_id, symbol)
    );
    CREATE INDEX backtest_symbols_by_symbol ON backtest_symbols(symbol, backtest_id);
  `,
};
