import { randomUUID } from 'node:crypto';
import { DomainError } from '../../shared/contract/errors';
import type { Handlers, OutputOf, ParsedInputOf } from '../../shared/contract/index';
import type { AccountRecord, AccountRepository, CredentialHints } from '../ports/account-repository';
import type { Clock } from '../ports/clock';
import type { ExchangeGateway, ExchangeInfo } from '../ports/exchange-accounts';
import { maskSecret, SECRET_FIELDS, type SecretField, type SecretStore } from '../ports/secret-store';
import type { ClosedTrade } from '../domain/trading';

export interface AccountHandlerDeps {
  accounts: AccountRepository;
  secrets: SecretStore;
  exchanges: ExchangeGateway;
  clock: Clock;
  log?: (level: 'info' | 'warn', message: string, data?: Record<string, unknown>) => void;
}

type AccountProcedures =
  | 'accounts.create'
  | 'accounts.list'
  | 'accounts.get'
  | 'accounts.updateCredentials'
  | 'accounts.syncBalance'
  | 'accounts.performance'
  | 'accounts.delete'
  | 'accounts.assignGroup';

type Metrics = OutputOf<'accounts.performance'>['metrics'];

interface Credentials {
  api_key: string;
  api_secret: string;
  passphrase?: string | undefined;
}

/**
 * The Accounts API (trading-application spec). Credentials go to the OS keychain before anything is stored about the
 * account, and only masked hints are kept and shown; the exchange side (ccxt) is behind ExchangeGateway.
 */
export function createAccountHandlers(deps: AccountHandlerDeps): Pick<Handlers, AccountProcedures> {
  const { accounts, secrets, exchanges, clock } = deps;

  // Every stored account has its broker connection (ccxt:<id>) registered; nothing is contacted yet.
  for (const account of accounts.all()) exchanges.open({ id: account.id, exchange: account.exchange, isTestnet: account.isTestnet });

  const find = (id: string): AccountRecord => {
    const account = accounts.get(id);
    if (!account) throw new DomainError('NOT_FOUND', `Account "${id}" does not exist; GET /api/v1/accounts/list shows the accounts`);
    return account;
  };

  const exchangeOf = (input: string): ExchangeInfo => {
    const info = exchanges.describe(input);
    if (info) return info;
    const close = exchanges.closeMatches(input);
    const hint = close.length ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : 'use a ccxt exchange id such as "binance", "kraken", "okx" or "bybit"';
    const message = `exchange "${input.slice(0, 40)}" is not one of the ${exchanges.exchanges().length} exchanges ccxt supports; ${hint}`;
    throw new DomainError('VALIDATION_FAILED', message, [{ path: 'exchange', message }]);
  };

  const requirePassphrase = (info: ExchangeInfo, credentials: Credentials) => {
    if (info.needsPassphrase && !credentials.passphrase) {
      const message = `${info.name} needs the API passphrase you chose when creating the key; send it as "passphrase"`;
      throw new DomainError('VALIDATION_FAILED', message, [{ path: 'passphrase', message }]);
    }
  };

  const hintsOf = (credentials: Credentials): CredentialHints => ({
    apiKey: maskSecret(credentials.api_key),
    apiSecret: maskSecret(credentials.api_secret),
    passphrase: credentials.passphrase ? maskSecret(credentials.passphrase) : null,
  });

  /** Writes all credentials of an account to the keychain; on failure removes what this call wrote, then rethrows. */
  const storeCredentials = async (accountId: string, credentials: Credentials, cleanUpOnFailure: boolean) => {
    const values: Record<SecretField, string | undefined> = {
      api_key: credentials.api_key,
      api_secret: credentials.api_secret,
      passphrase: credentials.passphrase,
    };
    const written: SecretField[] = [];
    try {
      for (const field of SECRET_FIELDS) {
        const value = values[field];
        if (value !== undefined) {
          await secrets.set(accountId, field, value);
          written.push(field);
        } else {
          await secrets.delete(accountId, field);
        }
      }
    } catch (error) {
      if (cleanUpOnFailure) for (const field of written) await secrets.delete(accountId, field).catch(() => false);
      throw error;
    }
  };

  const positionsOf = (account: AccountRecord) =>
    Object.fromEntries(
      exchanges.openPositions(account.id).map((p) => [
        p.id,
        {
          symbol: p.symbol,
          side: p.side,
          amount: p.lots,
          entry_price: p.entryPrice,
          entry_time: new Date(p.entryTime).toISOString(),
          take_profit: p.takeProfit,
          stop_loss: p.stopLoss,
          task_id: p.taskId,
        },
      ]),
    );

  const metricsOf = (account: AccountRecord, from: Date, to: Date): Metrics => {
    const trades: ClosedTrade[] = exchanges.closedTrades(account.id, from.getTime(), to.getTime());
    const history = accounts.balanceHistory(account.id, from.toISOString(), to.toISOString());
    const wins = trades.filter((t) => t.pnl > 0);
    const losses = trades.filter((t) => t.pnl < 0);
    const grossWin = wins.reduce((s, t) => s + t.pnl, 0);
    const grossLoss = -losses.reduce((s, t) => s + t.pnl, 0);
    let peak = -Infinity;
    let maxDrawdown: number | null = history.length ? 0 : null;
    for (const point of history) {
      peak = Math.max(peak, point.equity);
      if (peak > 0 && maxDrawdown !== null) maxDrawdown = Math.max(maxDrawdown, ((peak - point.equity) / peak) * 100);
    }
    const snapshot = account.balance;
    const equity = snapshot?.equity ?? null;
    const totalReturn = equity !== null && account.initialBalance > 0 ? equity - account.initialBalance : null;
    const round = (n: number) => Math.round(n * 1e8) / 1e8;
    return {
      currency: snapshot?.valuationCurrency ?? 'USDT',
      initial_balance: account.initialBalance,
      balance: snapshot ? round(snapshot.balance) : null,
      equity: equity !== null ? round(equity) : null,
      total_return: totalReturn !== null ? round(totalReturn) : null,
      total_return_pct: totalReturn !== null ? round((totalReturn / account.initialBalance) * 100) : null,
      realized_pnl: round(trades.reduce((s, t) => s + t.pnl, 0)),
      commission: round(trades.reduce((s, t) => s + t.commission, 0)),
      trades: trades.length,
      winning_trades: wins.length,
      losing_trades: losses.length,
      win_rate: trades.length ? round((wins.length / trades.length) * 100) : null,
      profit_factor: grossLoss > 0 ? round(grossWin / grossLoss) : null,
      best_trade: trades.length ? round(Math.max(...trades.map((t) => t.pnl))) : null,
      worst_trade: trades.length ? round(Math.min(...trades.map((t) => t.pnl))) : null,
      balance_snapshots: history.length,
      max_drawdown_pct: maxDrawdown !== null ? round(maxDrawdown) : null,
    };
  };

  const infoOf = (account: AccountRecord) => {
    const name = exchanges.describe(account.exchange)?.name ?? account.exchange;
    return {
      account_id: account.id,
      exchange: account.exchange,
      exchange_name: name,
      is_testnet: account.isTestnet,
      group_id: account.groupId,
      broker_id: `ccxt:${account.id}`,
      api_key_hint: account.hints.apiKey,
      api_secret_hint: account.hints.apiSecret,
      passphrase_hint: account.hints.passphrase,
      initial_balance: account.initialBalance,
      valuation_currency: account.balance?.valuationCurrency ?? null,
      balance: account.balance?.balance ?? null,
      equity: account.balance?.equity ?? null,
      balance_synced_at: account.balance?.syncedAt ?? null,
      created_at: account.createdAt,
      updated_at: account.updatedAt,
    };
  };

  const referencesOf = (account: AccountRecord) => {
    const refs: { type: 'group' | 'broker'; id: string; name: string }[] = [
      { type: 'broker', id: `ccxt:${account.id}`, name: `${exchanges.describe(account.exchange)?.name ?? account.exchange}${account.isTestnet ? ' testnet' : ''}` },
    ];
    const group = account.groupId ? accounts.group(account.groupId) : undefined;
    if (group) refs.push({ type: 'group', id: group.id, name: group.name });
    return refs;
  };

  const sinceCreation = (account: AccountRecord) => metricsOf(account, new Date(account.createdAt), clock.now());

  return {
    'accounts.create': async (input: ParsedInputOf<'accounts.create'>) => {
      const info = exchangeOf(input.exchange);
      if (input.is_testnet && !info.sandbox) {
        const message = `${info.name} has no testnet/sandbox in ccxt; create the account with "is_testnet": false, or use an exchange with a testnet`;
        throw new DomainError('VALIDATION_FAILED', message, [{ path: 'is_testnet', message }]);
      }
      requirePassphrase(info, input);
      const id = randomUUID();
      // The keychain first: without it nothing is stored at all.
      await storeCredentials(id, input, true);
      try {
        accounts.create({ id, exchange: info.id, isTestnet: input.is_testnet, hints: hintsOf(input), initialBalance: input.initial_balance });
      } catch (error) {
        for (const field of SECRET_FIELDS) await secrets.delete(id, field).catch(() => false);
        throw error;
      }
      exchanges.open({ id, exchange: info.id, isTestnet: input.is_testnet });
      deps.log?.('info', 'exchange account created', { account_id: id, exchange: info.id, testnet: input.is_testnet, api_key: maskSecret(input.api_key) });
      return { success: true as const, account_id: id, message: 'Account created successfully' };
    },

    'accounts.list': ({ skip, limit }) => {
      const page = accounts.list(skip, limit);
      return {
        accounts: page.accounts.map((account) => ({
          account_info: infoOf(account),
          balances: account.balance?.assets ?? {},
          positions: positionsOf(account),
          performance: sinceCreation(account),
          references: referencesOf(account),
        })),
        pagination: { total: page.total, skip, limit },
      };
    },

    'accounts.get': ({ account_id }) => {
      const account = find(account_id);
      const info = exchanges.describe(account.exchange);
      const status = exchanges.status(account.id);
      return {
        account: {
          account_info: infoOf(account),
          balances: account.balance?.assets ?? {},
          positions: positionsOf(account),
          settings: {
            exchange: account.exchange,
            is_testnet: account.isTestnet,
            group_id: account.groupId,
            sandbox_supported: info?.sandbox ?? false,
            needs_passphrase: info?.needsPassphrase ?? false,
            credentials_storage: 'os-keychain' as const,
            rate_limiter: 'per-account' as const,
            live_data: 'polling' as const,
          },
        },
        performance: sinceCreation(account),
        references: referencesOf(account),
        ws_status: {
          connected: status?.link === 'up',
          link: status?.link ?? 'down',
          broker: status?.broker ?? 'unknown',
          mode: 'polling' as const,
          detail: status?.detail ?? 'Not connected',
          last_heartbeat: status?.lastHeartbeat ?? null,
        },
      };
    },

    'accounts.updateCredentials': async (input) => {
      const account = find(input.account_id);
      const info = exchanges.describe(account.exchange);
      if (info) requirePassphrase(info, input);
      await storeCredentials(account.id, input, false);
      accounts.setHints(account.id, hintsOf(input));
      exchanges.credentialsChanged(account.id);
      deps.log?.('info', 'exchange account credentials replaced', { account_id: account.id, api_key: maskSecret(input.api_key) });
      return { success: true as const };
    },

    'accounts.syncBalance': async ({ account_id }) => {
      const account = find(account_id);
      const snapshot = await exchanges.fetchBalance(account.id);
      accounts.setBalance(account.id, snapshot);
      return { success: true as const, balance: snapshot.balance, equity: snapshot.equity, currency: snapshot.valuationCurrency };
    },

    'accounts.performance': ({ account_id, start_date, end_date }) => {
      const account = find(account_id);
      const dayStart = (v: string) => new Date(/T/.test(v) ? v : `${v}T00:00:00Z`);
      const dayEnd = (v: string) => new Date(/T/.test(v) ? v : `${v}T23:59:59.999Z`);
      const from = start_date ? dayStart(start_date) : new Date(account.createdAt);
      const to = end_date ? dayEnd(end_date) : clock.now();
      if (from.getTime() > to.getTime()) {
        const message = `start_date (${from.toISOString()}) is after end_date (${to.toISOString()})`;
        throw new DomainError('VALIDATION_FAILED', message, [{ path: 'start_date', message }]);
      }
      return {
        account_id: account.id,
        time_range: { start_date: from.toISOString(), end_date: to.toISOString() },
        metrics: metricsOf(account, from, to),
      };
    },

    'accounts.delete': async ({ account_id }) => {
      const account = find(account_id);
      const open = exchanges.openPositions(account.id);
      if (open.length) {
        throw new DomainError(
          'ACCOUNT_IN_USE',
          `Account "${account.id}" still holds ${open.length} open position(s) of trading tasks (${open.map((p) => `${p.symbol} task ${p.taskId}`).join(', ')}); stop those tasks (closing their positions) first`,
        );
      }
      // The keychain first: an account whose secrets cannot be removed is kept, so no credential is left behind unseen.
      for (const field of SECRET_FIELDS) await secrets.delete(account.id, field);
      exchanges.close(account.id);
      accounts.delete(account.id);
      deps.log?.('info', 'exchange account deleted', { account_id: account.id });
      return { success: true as const };
    },

    'accounts.assignGroup': ({ account_id, group_id }) => {
      const account = find(account_id);
      if (group_id !== null && !accounts.group(group_id)) {
        throw new DomainError('NOT_FOUND', `Group "${group_id}" does not exist; create it first (groups are listed at GET /api/v1/groups/)`);
      }
      accounts.setGroup(account.id, group_id);
      return { success: true as const };
    },
  };
}
