import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/ports/clock';
import type {
  AccountGroup,
  AccountRecord,
  AccountRepository,
  BalancePoint,
  CredentialHints,
  NewAccount,
} from '../../../core/ports/account-repository';
import type { BalanceSnapshot } from '../../../core/ports/exchange-accounts';
import type { SqliteDatabase } from './database';

interface AccountRow {
  id: string;
  exchange: string;
  is_testnet: 0 | 1;
  group_id: string | null;
  api_key_hint: string;
  api_secret_hint: string;
  passphrase_hint: string | null;
  initial_balance: number;
  balance_json: string | null;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: AccountRow): AccountRecord => ({
  id: r.id,
  exchange: r.exchange,
  isTestnet: r.is_testnet === 1,
  groupId: r.group_id,
  hints: { apiKey: r.api_key_hint, apiSecret: r.api_secret_hint, passphrase: r.passphrase_hint },
  initialBalance: r.initial_balance,
  balance: r.balance_json ? (JSON.parse(r.balance_json) as BalanceSnapshot) : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Exchange accounts in SQLite (migration 6). Hints only: nothing here is ever a secret. */
export function createSqliteAccountRepository(db: SqliteDatabase, clock: Clock): AccountRepository {
  const q = {
    insert: db.prepare(
      `INSERT INTO exchange_accounts (id, exchange, is_testnet, api_key_hint, api_secret_hint, passphrase_hint, initial_balance, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare<[string], AccountRow>('SELECT * FROM exchange_accounts WHERE id = ?'),
    page: db.prepare<[number, number], AccountRow>('SELECT * FROM exchange_accounts ORDER BY created_at, rowid LIMIT ? OFFSET ?'),
    all: db.prepare<[], AccountRow>('SELECT * FROM exchange_accounts ORDER BY created_at, rowid'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM exchange_accounts'),
    setHints: db.prepare('UPDATE exchange_accounts SET api_key_hint = ?, api_secret_hint = ?, passphrase_hint = ?, updated_at = ? WHERE id = ?'),
    setBalance: db.prepare('UPDATE exchange_accounts SET balance_json = ?, updated_at = ? WHERE id = ?'),
    addPoint: db.prepare(
      `INSERT INTO exchange_account_balances (account_id, time, currency, balance, equity) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, time) DO UPDATE SET balance = excluded.balance, equity = excluded.equity`,
    ),
    history: db.prepare<[string, string, string], BalancePoint>(
      'SELECT time, balance, equity FROM exchange_account_balances WHERE account_id = ? AND time BETWEEN ? AND ? ORDER BY time',
    ),
    setGroup: db.prepare('UPDATE exchange_accounts SET group_id = ?, updated_at = ? WHERE id = ?'),
    group: db.prepare<[string], AccountGroup>('SELECT id, name, description FROM account_groups WHERE id = ?'),
    insertGroup: db.prepare('INSERT INTO account_groups (id, name, description, created_at) VALUES (?, ?, ?, ?)'),
    delete: db.prepare('DELETE FROM exchange_accounts WHERE id = ?'),
  };
  const now = () => clock.now().toISOString();
  const get = (id: string) => {
    const row = q.get.get(id);
    return row && toRecord(row);
  };
  return {
    create(account: NewAccount) {
      const at = now();
      q.insert.run(account.id, account.exchange, account.isTestnet ? 1 : 0, account.hints.apiKey, account.hints.apiSecret, account.hints.passphrase, account.initialBalance, at, at);
      return get(account.id) as AccountRecord;
    },
    get,
    list(skip, limit) {
      return { accounts: q.page.all(limit, skip).map(toRecord), total: q.count.get()?.n ?? 0 };
    },
    all: () => q.all.all().map(toRecord),
    setHints(id, hints: CredentialHints) {
      q.setHints.run(hints.apiKey, hints.apiSecret, hints.passphrase, now(), id);
    },
    setBalance(id, snapshot) {
      db.transaction(() => {
        q.setBalance.run(JSON.stringify(snapshot), now(), id);
        q.addPoint.run(id, snapshot.syncedAt, snapshot.valuationCurrency, snapshot.balance, snapshot.equity);
      })();
    },
    balanceHistory: (id, from, to) => q.history.all(id, from, to),
    setGroup(id, groupId) {
      q.setGroup.run(groupId, now(), id);
    },
    group: (id) => q.group.get(id),
    createGroup(name, description = '') {
      const group = { id: randomUUID(), name, description };
      q.insertGroup.run(group.id, name, description, now());
      return group;
    },
    delete: (id) => q.delete.run(id).changes > 0,
  };
}
