/**
 * Numbered migrations, applied in order at start-up, each in its own transaction.
 * Never edit a migration that has shipped: add the next number.
 */
import { tradingMigration } from './migrations/003-trading';
import { backtestsMigration } from './migrations/005-backtests';
import { accountsMigration } from './migrations/006-accounts';
import { taskBrokerMigration } from './migrations/007-task-broker';
import { researchMigration } from './migrations/008-research';
import { signalsPaperMigration } from './migrations/009-signals-paper';
import { journalDecisionKeysMigration } from './migrations/010-journal-decision-keys';
import { identityMigration } from './migrations/011-identity';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'capital allocation',
    sql: `
      CREATE TABLE portfolios (
        id            INTEGER PRIMARY KEY,
        user_id       TEXT    NOT NULL UNIQUE,
        total_cents   INTEGER NOT NULL CHECK (total_cents > 0),
        currency      TEXT    NOT NULL CHECK (length(currency) = 3),
        created_at    TEXT    NOT NULL
      );
      CREATE TABLE strategy_allocations (
        id                   INTEGER PRIMARY KEY,
        portfolio_id         INTEGER NOT NULL REFERENCES portfolios(id) ON DELETE CASCADE,
        strategy_name        TEXT    NOT NULL,
        name_key             TEXT    NOT NULL,
        allocated_cents      INTEGER NOT NULL CHECK (allocated_cents > 0),
        requested_percentage REAL,
        created_at           TEXT    NOT NULL,
        UNIQUE (portfolio_id, name_key)
      );
      CREATE TABLE pair_allocations (
        id                          INTEGER PRIMARY KEY,
        strategy_allocation_id      INTEGER NOT NULL REFERENCES strategy_allocations(id) ON DELETE CASCADE,
        pair                        TEXT    NOT NULL,
        allocated_cents             INTEGER NOT NULL CHECK (allocated_cents > 0),
        requested_percentage        REAL,
        floating_loss_threshold_pct REAL    NOT NULL CHECK (floating_loss_threshold_pct > 0 AND floating_loss_threshold_pct <= 100),
        floating_pnl_cents          INTEGER NOT NULL DEFAULT 0,
        status                      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'breached')),
        created_at                  TEXT    NOT NULL,
        UNIQUE (strategy_allocation_id, pair)
      );
      CREATE INDEX pair_allocations_by_strategy ON pair_allocations(strategy_allocation_id);
      CREATE INDEX strategy_allocations_by_portfolio ON strategy_allocations(portfolio_id);
    `,
  },
  {
    version: 2,
    name: 'candle store',
    // One row per (series, time bucket of chunk_span_ms) holding that bucket's bars as packed columns (see
    // candle-chunk-codec.ts): a million M1 candles are ~400 rows, not a million. Buckets are aligned to
    // chunk_span_ms, so chunks never overlap and a merge only rewrites the buckets it touches.
    sql: `
      CREATE TABLE candle_series (
        id            INTEGER PRIMARY KEY,
        symbol        TEXT    NOT NULL,
        timeframe     TEXT    NOT NULL,
        chunk_span_ms INTEGER NOT NULL CHECK (chunk_span_ms > 0),
        UNIQUE (symbol, timeframe)
      );
      CREATE TABLE candle_chunks (
        series_id   INTEGER NOT NULL REFERENCES candle_series(id) ON DELETE CASCADE,
        chunk_start INTEGER NOT NULL,
        first_time  INTEGER NOT NULL,
        last_time   INTEGER NOT NULL,
        count       INTEGER NOT NULL CHECK (count > 0),
        data        BLOB    NOT NULL,
        PRIMARY KEY (series_id, chunk_start)
      );
    `,
  },
  tradingMigration,
  {
    version: 4,
    name: 'custom strategies',
    // AUTOINCREMENT: a deleted strategy's id is never handed out again, so a script holding an old id gets a 404,
    // never somebody else's strategy. name_key (trimmed, collapsed, lower case) makes names unique whatever their case.
    sql: `
      CREATE TABLE custom_strategies (
        id                       INTEGER PRIMARY KEY AUTOINCREMENT,
        name                     TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        name_key                 TEXT    NOT NULL UNIQUE,
        type                     TEXT    NOT NULL,
        timeframe                TEXT    NOT NULL CHECK (timeframe IN ('1M', '5M', '15M', '1H', '4H', '1D')),
        preferred_pairs          TEXT    NOT NULL DEFAULT '',
        pairs_json               TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(pairs_json)),
        entry_conditions         TEXT    NOT NULL DEFAULT '',
        exit_conditions          TEXT    NOT NULL DEFAULT '',
        indicators_used          TEXT    NOT NULL DEFAULT '',
        risk_reward_ratio_target REAL    NOT NULL CHECK (risk_reward_ratio_target >= 0.1 AND risk_reward_ratio_target <= 20),
        max_drawdown_tolerance   REAL    NOT NULL CHECK (max_drawdown_tolerance >= 0.1 AND max_drawdown_tolerance <= 100),
        created_at               TEXT    NOT NULL,
        updated_at               TEXT    NOT NULL
      );
      CREATE INDEX custom_strategies_newest_first ON custom_strategies(created_at DESC, id DESC);
    `,
  },
  backtestsMigration,
  accountsMigration,
  taskBrokerMigration,
  researchMigration,
  signalsPaperMigration,
  journalDecisionKeysMigration,
  identityMigration,
];
