/**
 * Sessions, trading tasks, the order journal (intents written before they are sent), the engine's positions and
 * trades, engine events, and the paper broker's own book (kept apart from the journal, as a real broker's is).
 */
export const tradingMigration = {
  version: 3,
  name: 'trading sessions, tasks, order journal, paper broker',
  sql: `
    CREATE TABLE trading_sessions (
      id         TEXT PRIMARY KEY,
      user_id    TEXT NOT NULL,
      status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX trading_sessions_by_user ON trading_sessions(user_id);
    CREATE TABLE session_pairs (
      session_id TEXT NOT NULL REFERENCES trading_sessions(id) ON DELETE CASCADE,
      pair       TEXT NOT NULL,
      added_at   TEXT NOT NULL,
      PRIMARY KEY (session_id, pair)
    );
    CREATE TABLE session_timeframes (
      session_id TEXT NOT NULL REFERENCES trading_sessions(id) ON DELETE CASCADE,
      timeframe  TEXT NOT NULL,
      added_at   TEXT NOT NULL,
      PRIMARY KEY (session_id, timeframe)
    );
    CREATE TABLE session_strategy_configs (
      session_id    TEXT NOT NULL REFERENCES trading_sessions(id) ON DELETE CASCADE,
      strategy_name TEXT NOT NULL,
      config_json   TEXT NOT NULL,
      updated_at    TEXT NOT NULL,
      PRIMARY KEY (session_id, strategy_name)
    );
    CREATE TABLE trading_tasks (
      id                          INTEGER PRIMARY KEY,
      session_id                  TEXT    NOT NULL REFERENCES trading_sessions(id),
      pair                        TEXT    NOT NULL,
      timeframe                   TEXT    NOT NULL,
      strategy_name               TEXT    NOT NULL,
      config_json                 TEXT    NOT NULL,
      status                      TEXT    NOT NULL CHECK (status IN ('running', 'paused', 'stopped', 'failed')),
      status_reason               TEXT,
      capital                     REAL    NOT NULL,
      capital_source              TEXT    NOT NULL,
      pair_allocation_id          INTEGER,
      floating_loss_threshold_pct REAL,
      magic                       INTEGER NOT NULL,
      last_bar_time               INTEGER,
      created_at                  TEXT    NOT NULL,
      started_at                  TEXT    NOT NULL,
      stopped_at                  TEXT
    );
    CREATE INDEX trading_tasks_by_session ON trading_tasks(session_id);
    -- One live task per (session, pair, timeframe, strategy); stopped ones stay as history.
    CREATE UNIQUE INDEX trading_tasks_one_live ON trading_tasks(session_id, pair, timeframe, strategy_name)
      WHERE status IN ('running', 'paused');
    CREATE TABLE order_journal (
      client_order_id    TEXT    PRIMARY KEY,
      task_id            INTEGER NOT NULL REFERENCES trading_tasks(id),
      symbol             TEXT    NOT NULL,
      side               TEXT    NOT NULL CHECK (side IN ('BUY', 'SELL')),
      lots               REAL    NOT NULL CHECK (lots > 0),
      closes_position_id TEXT,
      take_profit        REAL,
      stop_loss          REAL,
      magic              INTEGER NOT NULL,
      reason             TEXT    NOT NULL,
      exit_reason        TEXT,
      decided_at         INTEGER NOT NULL,
      status             TEXT    NOT NULL CHECK (status IN ('journaled', 'submitted', 'filled', 'rejected', 'cancelled', 'unknown')),
      broker_order_id    TEXT,
      fill_price         REAL,
      filled_at          INTEGER,
      error              TEXT,
      created_at         TEXT    NOT NULL,
      updated_at         TEXT    NOT NULL
    );
    CREATE INDEX order_journal_by_task ON order_journal(task_id, decided_at);
    CREATE INDEX order_journal_by_status ON order_journal(status);
    CREATE TABLE positions (
      id              TEXT    PRIMARY KEY,
      task_id         INTEGER NOT NULL REFERENCES trading_tasks(id),
      symbol          TEXT    NOT NULL,
      side            TEXT    NOT NULL,
      lots            REAL    NOT NULL,
      entry_price     REAL    NOT NULL,
      entry_time      INTEGER NOT NULL,
      take_profit     REAL,
      stop_loss       REAL,
      magic           INTEGER NOT NULL,
      client_order_id TEXT    NOT NULL,
      commission      REAL    NOT NULL
    );
    CREATE INDEX positions_by_task ON positions(task_id);
    CREATE TABLE trades (
      position_id     TEXT    PRIMARY KEY,
      task_id         INTEGER NOT NULL REFERENCES trading_tasks(id),
      symbol          TEXT    NOT NULL,
      side            TEXT    NOT NULL,
      lots            REAL    NOT NULL,
      entry_price     REAL    NOT NULL,
      entry_time      INTEGER NOT NULL,
      exit_price      REAL    NOT NULL,
      exit_time       INTEGER NOT NULL,
      exit_reason     TEXT    NOT NULL,
      pnl             REAL    NOT NULL,
      commission      REAL    NOT NULL,
      magic           INTEGER NOT NULL,
      client_order_id TEXT    NOT NULL
    );
    CREATE INDEX trades_by_task ON trades(task_id, exit_time);
    CREATE TABLE engine_events (
      id        INTEGER PRIMARY KEY,
      time      TEXT    NOT NULL,
      type      TEXT    NOT NULL,
      severity  TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      task_id   INTEGER,
      code      TEXT,
      message   TEXT    NOT NULL,
      data_json TEXT
    );
    CREATE INDEX engine_events_by_task ON engine_events(task_id, id);

    -- The paper broker's book. It knows nothing of the journal: it de-duplicates by client order id like a real broker.
    CREATE TABLE paper_orders (
      client_order_id TEXT    PRIMARY KEY,
      task_id         TEXT    NOT NULL,
      order_json      TEXT    NOT NULL,
      status          TEXT    NOT NULL CHECK (status IN ('accepted', 'filled', 'cancelled', 'rejected')),
      fill_json       TEXT,
      received_at     TEXT    NOT NULL
    );
    CREATE TABLE paper_positions (
      id            TEXT PRIMARY KEY,
      task_id       TEXT NOT NULL,
      position_json TEXT NOT NULL
    );
    CREATE INDEX paper_positions_by_task ON paper_positions(task_id);
  `,
};
