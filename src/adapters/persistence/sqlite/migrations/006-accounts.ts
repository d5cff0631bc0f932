/**
 * Exchange accounts (trading-application spec, /api/v1/accounts): the account rows hold the exchange, the testnet
 * flag, MASKED hints of the credentials and balance snapshots — never a secret (those live in the OS keychain).
 * Plus account groups (a simple table `assign-group` refers to) and the ccxt broker's own book per account: orders
 * written before they are sent, and the positions our tasks hold there.
 */
export const accountsMigration = {
  version: 6,
  name: 'exchange accounts, account groups, ccxt order book',
  sql: `
    CREATE TABLE account_groups (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL UNIQUE,
      description TEXT NOT NULL DEFAULT '',
      created_at  TEXT NOT NULL
    );
    CREATE TABLE exchange_accounts (
      id                TEXT PRIMARY KEY,
      exchange          TEXT NOT NULL,
      is_testnet        INTEGER NOT NULL CHECK (is_testnet IN (0, 1)),
      group_id          TEXT REFERENCES account_groups(id) ON DELETE SET NULL,
      api_key_hint      TEXT NOT NULL,
      api_secret_hint   TEXT NOT NULL,
      passphrase_hint   TEXT,
      initial_balance   REAL NOT NULL DEFAULT 0 CHECK (initial_balance >= 0),
      balance_json      TEXT,
      created_at        TEXT NOT NULL,
      updated_at        TEXT NOT NULL
    );
    CREATE INDEX exchange_accounts_by_group ON exchange_accounts(group_id);
    CREATE TABLE exchange_account_balances (
      account_id TEXT NOT NULL REFERENCES exchange_accounts(id) ON DELETE CASCADE,
      time       TEXT NOT NULL,
      currency   TEXT NOT NULL,
      balance    REAL NOT NULL,
      equity     REAL NOT NULL,
      PRIMARY KEY (account_id, time)
    );
    CREATE TABLE ccxt_orders (
      account_id               TEXT NOT NULL REFERENCES exchange_accounts(id) ON DELETE CASCADE,
      client_order_id          TEXT NOT NULL,
      exchange_client_order_id TEXT NOT NULL,
      task_id                  TEXT NOT NULL,
      symbol                   TEXT NOT NULL,
      side                     TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
      amount                   REAL NOT NULL,
      order_json               TEXT NOT NULL,
      exchange_order_id        TEXT,
      status                   TEXT NOT NULL CHECK (status IN ('sending', 'unknown', 'open', 'filled', 'rejected', 'cancelled')),
      fill_json                TEXT,
      error                    TEXT,
      sent_at                  INTEGER NOT NULL,
      updated_at               INTEGER NOT NULL,
      PRIMARY KEY (account_id, client_order_id)
    );
    CREATE INDEX ccxt_orders_pending ON ccxt_orders(account_id, status);
    CREATE TABLE ccxt_positions (
      account_id       TEXT NOT NULL REFERENCES exchange_accounts(id) ON DELETE CASCADE,
      id               TEXT NOT NULL,
      task_id          TEXT NOT NULL,
      symbol           TEXT NOT NULL,
      position_json    TEXT NOT NULL,
      status           TEXT NOT NULL CHECK (status IN ('open', 'closing', 'closed')),
      closing_order_id TEXT,
      trade_json       TEXT,
      opened_at        INTEGER NOT NULL,
      closed_at        INTEGER,
      PRIMARY KEY (account_id, id)
    );
    CREATE INDEX ccxt_positions_by_status ON ccxt_positions(account_id, status);
  `,
};
