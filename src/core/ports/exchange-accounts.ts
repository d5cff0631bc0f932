import type { ClosedTrade, Position } from '../domain/trading';
import type { BrokerState } from './broker';

/**
 * The exchange side of exchange accounts (implemented with ccxt): which exchanges exist, and per account its broker
 * connection (`ccxt:<account id>`), balance, link state and the positions and trades of the engine's tasks on it.
 */

export interface AssetBalance {
  free: number;
  used: number;
  total: number;
  /** In the valuation currency at the last price; null when no market values it. */
  value: number | null;
}

export interface BalanceSnapshot {
  /** USDT (or USD/USDC where the exchange quotes in those). */
  valuationCurrency: string;
  /** Held in the valuation currency itself. */
  balance: number;
  /** Everything held, valued in the valuation currency. */
  equity: number;
  assets: Record<string, AssetBalance>;
  /** Assets held that no market could value (left out of equity). */
  unvalued: string[];
  syncedAt: string;
}

export interface ExchangeInfo {
  id: string;
  name: string;
  /** The exchange has a testnet/sandbox (is_testnet may be true). */
  sandbox: boolean;
  /** The exchange needs a passphrase besides key and secret (OKX, KuCoin, ...). */
  needsPassphrase: boolean;
}

export interface ExchangeAccountRef {
  id: string;
  exchange: string;
  isTestnet: boolean;
}

export interface ConnectionStatus extends BrokerState {
  /** The broker id tasks name to trade on this account. */
  brokerId: string;
  /** How live data arrives. */
  mode: 'polling';
}

export interface ExchangeGateway {
  exchanges(): readonly string[];
  describe(exchange: string): ExchangeInfo | undefined;
  /** Exchange ids close to a mistyped one, best first. */
  closeMatches(input: string): string[];
  /** Registers the account's broker connection; contacts nothing. */
  open(account: ExchangeAccountRef): void;
  /** The stored credentials changed: the next request uses the new ones. */
  credentialsChanged(accountId: string): void;
  /** Stops and unregisters the account's connection. */
  close(accountId: string): void;
  fetchBalance(accountId: string): Promise<BalanceSnapshot>;
  status(accountId: string): ConnectionStatus | undefined;
  openPositions(accountId: string): Position[];
  closedTrades(accountId: string, from: number, to: number): ClosedTrade[];
}
