import { DomainError } from '../../../shared/contract/errors';
import type { BrokerRegistry } from '../../../core/ports/broker';
import type { ClosedTrade, Position } from '../../../core/domain/trading';
import type {
  BalanceSnapshot,
  ConnectionStatus,
  ExchangeAccountRef,
  ExchangeGateway,
  ExchangeInfo,
} from '../../../core/ports/exchange-accounts';
import { CcxtBrokerConnection, type CcxtConnectionDeps } from './ccxt-broker-connection';
import { ccxtExchangeIds, closeExchangeMatches, describeExchange } from './ccxt-exchange';

export interface CcxtAccountsDeps extends CcxtConnectionDeps {
  /** Where the connections are registered for the kernel (`ccxt:<account id>`). */
  registry?: BrokerRegistry;
}

/**
 * All exchange accounts of the app as ccxt broker connections: one connection (and one ccxt instance, so one rate
 * limiter) per account, registered in the broker registry under `ccxt:<account id>`.
 */
export class CcxtAccounts implements ExchangeGateway {
  private readonly connections = new Map<string, CcxtBrokerConnection>();

  constructor(private readonly deps: CcxtAccountsDeps) {}

  exchanges(): readonly string[] {
    return ccxtExchangeIds();
  }

  describe(exchange: string): ExchangeInfo | undefined {
    return ccxtExchangeIds().includes(exchange) ? describeExchange(exchange) : undefined;
  }

  closeMatches(input: string): string[] {
    return closeExchangeMatches(input);
  }

  open(account: ExchangeAccountRef): CcxtBrokerConnection {
    const existing = this.connections.get(account.id);
    if (existing) return existing;
    const connection = new CcxtBrokerConnection({ accountId: account.id, exchange: account.exchange, testnet: account.isTestnet }, this.deps);
    this.connections.set(account.id, connection);
    this.deps.registry?.register(connection);
    return connection;
  }

  connection(accountId: string): CcxtBrokerConnection | undefined {
    return this.connections.get(accountId);
  }

  private required(accountId: string): CcxtBrokerConnection {
    const connection = this.connections.get(accountId);
    if (!connection) throw new DomainError('NOT_FOUND', `Account "${accountId}" has no exchange connection`);
    return connection;
  }

  credentialsChanged(accountId: string): void {
    this.connections.get(accountId)?.resetCredentials();
  }

  close(accountId: string): void {
    const connection = this.connections.get(accountId);
    if (!connection) return;
    connection.close();
    this.connections.delete(accountId);
    this.deps.registry?.unregister(connection.id);
  }

  closeAll(): void {
    for (const id of [...this.connections.keys()]) this.close(id);
  }

  fetchBalance(accountId: string): Promise<BalanceSnapshot> {
    return this.required(accountId).fetchBalance();
  }

  status(accountId: string): ConnectionStatus | undefined {
    const connection = this.connections.get(accountId);
    return connection && { ...connection.state(), brokerId: connection.id, mode: 'polling' };
  }

  openPositions(accountId: string): Position[] {
    return this.connections.get(accountId)?.book.openPositions().map((p) => p.position) ?? [];
  }

  closedTrades(accountId: string, from: number, to: number): ClosedTrade[] {
    return this.connections.get(accountId)?.book.closedTrades(from, to) ?? [];
  }
}
