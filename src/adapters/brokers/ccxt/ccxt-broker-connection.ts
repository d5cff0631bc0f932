import type { Balances } from 'ccxt';
import type { Instrument } from '../../../core/domain/instruments';
import type { BrokerConnection, BrokerState } from '../../../core/ports/broker';
import type { CandleStore } from '../../../core/ports/candle-store';
import type { Clock } from '../../../core/ports/clock';
import type { BalanceSnapshot } from '../../../core/ports/exchange-accounts';
import type { SecretStore } from '../../../core/ports/secret-store';
import type { SqliteDatabase } from '../../persistence/sqlite/database';
import { CcxtBook } from './ccxt-book';
import type { CcxtInstanceOptions } from './ccxt-exchange';
import { CcxtExecutionClient, type CcxtExecutionOptions } from './ccxt-execution-client';
import { CcxtMarketFeed, type CcxtFeedOptions } from './ccxt-market-feed';
import { CcxtSession, type CcxtLog } from './ccxt-session';

export interface CcxtAccountRef {
  accountId: string;
  exchange: string;
  testnet: boolean;
}

export interface CcxtConnectionDeps {
  db: SqliteDatabase;
  secrets: SecretStore;
  store: CandleStore;
  clock: Clock;
  log?: CcxtLog;
  instance?: CcxtInstanceOptions;
  execution?: CcxtExecutionOptions;
  feed?: CcxtFeedOptions;
}

/** Stablecoins valued 1:1 with the valuation currency when the exchange lists no market between them. */
const USD_LIKE = new Set(['USDT', 'USD', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'DAI']);

/**
 * One ccxt exchange account as a broker connection (id `ccxt:<account id>`): the orders of the engine's tasks, live
 * candles, the account's markets as instruments, and its link state. Nothing is contacted until first use (connect(),
 * an order, a candle subscription, a balance sync); the ccxt instance is then created with the keychain's secrets.
 */
export class CcxtBrokerConnection implements BrokerConnection {
  readonly id: string;
  readonly kind = 'ccxt' as const;
  readonly label: string;
  readonly execution: CcxtExecutionClient;
  readonly feed: CcxtMarketFeed;
  readonly session: CcxtSession;
  readonly book: CcxtBook;

  constructor(
    readonly account: CcxtAccountRef,
    deps: CcxtConnectionDeps,
  ) {
    this.id = `ccxt:${account.accountId}`;
    this.session = new CcxtSession({
      accountId: account.accountId,
      exchangeId: account.exchange,
      testnet: account.testnet,
      secrets: deps.secrets,
      clock: deps.clock,
      ...(deps.instance ? { instance: deps.instance } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    });
    this.label = `${this.session.description.name}${account.testnet ? ' testnet' : ''} (${account.accountId.slice(0, 8)})`;
    this.book = new CcxtBook(deps.db, account.accountId);
    this.execution = new CcxtExecutionClient(this.session, this.book, deps.execution);
    this.feed = new CcxtMarketFeed(this.session, deps.store, deps.feed);
    this.execution.resume();
  }

  /** Creates the ccxt instance and loads the markets (instruments are known afterwards). Throws a DomainError. */
  async connect(): Promise<void> {
    await this.session.ready();
  }

  /** The kernel's hook before a task starts on this account. */
  ensureConnected(): Promise<void> {
    return this.connect();
  }

  instrument(symbol: string): Instrument | undefined {
    return this.session.instrument(symbol);
  }

  state(): BrokerState {
    return this.session.state();
  }

  onStateChange(listener: (state: BrokerState) => void): () => void {
    return this.session.onStateChange(listener);
  }

  /**
   * The account's balances from the exchange, valued in USDT (or USD): `balance` is what is held in the valuation
   * currency itself, `equity` everything valued at the last prices. Assets without a market to value them are listed.
   */
  async fetchBalance(): Promise<BalanceSnapshot> {
    let balances: Balances;
    try {
      balances = await this.session.call((ex) => ex.fetchBalance());
    } catch (error) {
      throw this.session.toError(error, 'fetch the balance');
    }
    const exchange = this.session.loaded();
    const markets = (exchange?.markets ?? {}) as Record<string, { spot?: boolean; active?: boolean } | undefined>;
    const currency = ['USDT', 'USD', 'USDC'].find((c) => Object.keys(markets).some((s) => s.endsWith(`/${c}`))) ?? 'USDT';
    const totals = (balances.total ?? {}) as unknown as Record<string, number | undefined>;
    const free = (balances.free ?? {}) as unknown as Record<string, number | undefined>;
    const used = (balances.used ?? {}) as unknown as Record<string, number | undefined>;
    const held = Object.entries(totals).filter(([, total]) => typeof total === 'number' && total > 0) as [string, number][];
    const toValue = held.filter(([asset]) => asset !== currency && !(USD_LIKE.has(asset) && !markets[`${asset}/${currency}`]));
    const symbols = toValue.map(([asset]) => `${asset}/${currency}`).filter((s) => markets[s]);
    const prices = new Map<string, number>();
    if (symbols.length) {
      try {
        const tickers = await this.session.call((ex) => (ex.has.fetchTickers ? ex.fetchTickers(symbols) : Promise.all(symbols.map((s) => ex.fetchTicker(s))).then((list) => Object.fromEntries(list.map((t) => [t.symbol, t])))));
        for (const [symbol, ticker] of Object.entries(tickers as Record<string, { last?: number; close?: number; bid?: number }>)) {
          const price = ticker.last ?? ticker.close ?? ticker.bid;
          if (typeof price === 'number') prices.set(symbol.split('/')[0] as string, price);
        }
      } catch (error) {
        this.session.log('warn', 'could not value the balance', { detail: this.session.toError(error, 'fetch prices').message });
      }
    }
    const assets: BalanceSnapshot['assets'] = {};
    const unvalued: string[] = [];
    let equity = 0;
    for (const [asset, total] of held) {
      const price = asset === currency || (USD_LIKE.has(asset) && !markets[`${asset}/${currency}`]) ? 1 : prices.get(asset);
      const value = price === undefined ? null : total * price;
      if (value === null) unvalued.push(asset);
      else equity += value;
      assets[asset] = { free: free[asset] ?? 0, used: used[asset] ?? 0, total, value };
    }
    return {
      valuationCurrency: currency,
      balance: totals[currency] ?? 0,
      equity,
      assets,
      unvalued,
      syncedAt: this.session.clock.now().toISOString(),
    };
  }

  /** Drops the ccxt instance: the next use reads the (new) credentials from the keychain. */
  resetCredentials(): void {
    this.session.reset();
  }

  close(): void {
    this.execution.close();
    this.feed.close();
    this.session.reset('Closed');
  }
}
