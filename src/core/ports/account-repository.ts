import type { BalanceSnapshot } from './exchange-accounts';

/**
 * Exchange accounts as stored in SQLite: which exchange, testnet or not, masked hints of the credentials (the
 * secrets themselves are only in the OS keychain), the last balance snapshot and its history, the group.
 */

export interface CredentialHints {
  apiKey: string;
  apiSecret: string;
  passphrase: string | null;
}

export interface AccountRecord {
  id: string;
  exchange: string;
  isTestnet: boolean;
  groupId: string | null;
  hints: CredentialHints;
  initialBalance: number;
  balance: BalanceSnapshot | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewAccount {
  id: string;
  exchange: string;
  isTestnet: boolean;
  hints: CredentialHints;
  initialBalance: number;
}

export interface AccountGroup {
  id: string;
  name: string;
  description: string;
}

export interface BalancePoint {
  time: string;
  balance: number;
  equity: number;
}

export interface AccountRepository {
  create(account: NewAccount): AccountRecord;
  get(id: string): AccountRecord | undefined;
  /** Oldest first. */
  list(skip: number, limit: number): { accounts: AccountRecord[]; total: number };
  all(): AccountRecord[];
  setHints(id: string, hints: CredentialHints): void;
  /** Stores the snapshot and appends it to the balance history. */
  setBalance(id: string, snapshot: BalanceSnapshot): void;
  /** Balance snapshots between two ISO times (inclusive), oldest first. */
  balanceHistory(id: string, from: string, to: string): BalancePoint[];
  setGroup(id: string, groupId: string | null): void;
  group(id: string): AccountGroup | undefined;
  createGroup(name: string, description?: string): AccountGroup;
  delete(id: string): boolean;
}
