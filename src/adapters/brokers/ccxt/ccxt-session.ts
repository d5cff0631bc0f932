import type { Exchange, MarketInterface } from 'ccxt';
import { AuthenticationError, NetworkError, PermissionDenied } from 'ccxt';
import { DomainError, isDomainError } from '../../../shared/contract/errors';
import type { Instrument } from '../../../core/domain/instruments';
import type { BrokerState } from '../../../core/ports/broker';
import type { Clock } from '../../../core/ports/clock';
import type { SecretStore } from '../../../core/ports/secret-store';
import { toDomainError } from './ccxt-errors';
import { createCcxtInstance, describeExchange, type CcxtInstanceOptions, type ExchangeDescription } from './ccxt-exchange';
import { instrumentFromMarket } from './ccxt-instrument';

export type CcxtLog = (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

export interface CcxtSessionOptions {
  accountId: string;
  exchangeId: string;
  testnet: boolean;
  secrets: SecretStore;
  clock: Clock;
  instance?: CcxtInstanceOptions;
  log?: CcxtLog;
}

/**
 * The one ccxt instance of one account, created on first use with the secrets read from the keychain (never kept
 * anywhere else but in the instance), with its markets loaded. Tracks the link state the kernel watches: every
 * answer from the exchange is a heartbeat; a network failure takes the link down until the next answer.
 */
export class CcxtSession {
  readonly description: ExchangeDescription;
  private exchange: Exchange | undefined;
  private loading: Promise<Exchange> | undefined;
  /** Masked out of every message; filled from the keychain when the instance is created. */
  private secretValues: string[] = [];
  private current: BrokerState = { link: 'down', broker: 'unknown', reconciling: false, detail: 'Not connected yet', lastHeartbeat: null };
  private readonly listeners = new Set<(state: BrokerState) => void>();
  private readonly instruments = new Map<string, Instrument>();

  constructor(private readonly options: CcxtSessionOptions) {
    this.description = describeExchange(options.exchangeId);
  }

  get accountId(): string {
    return this.options.accountId;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  get secrets(): readonly string[] {
    return this.secretValues;
  }

  log(level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void {
    this.options.log?.(level, message, { account_id: this.options.accountId, exchange: this.options.exchangeId, ...data });
  }

  /** The instance with its markets loaded; created once (concurrent callers share the same attempt). */
  async ready(): Promise<Exchange> {
    if (this.exchange) return this.exchange;
    this.loading ??= this.open().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The loaded instance, if any (no network). */
  loaded(): Exchange | undefined {
    return this.exchange;
  }

  private async open(): Promise<Exchange> {
    this.setState({ link: 'connecting', detail: `Connecting to ${this.description.name}${this.options.testnet ? ' (testnet)' : ''}` });
    try {
      if (this.options.testnet && !this.description.sandbox) {
        throw new DomainError(
          'NOT_SUPPORTED',
          `${this.description.name} has no testnet/sandbox in ccxt; use the account with "is_testnet": false (a real account) or choose an exchange with a testnet`,
        );
      }
      const { secrets, accountId } = this.options;
      const [apiKey, secret, password] = await Promise.all([
        secrets.get(accountId, 'api_key'),
        secrets.get(accountId, 'api_secret'),
        secrets.get(accountId, 'passphrase'),
      ]);
      if (!apiKey || !secret) {
        throw new DomainError(
          'EXCHANGE_AUTH_FAILED',
          `No API key/secret for this ${this.description.name} account is in the OS keychain; set them again with update-credentials`,
        );
      }
      this.secretValues = [apiKey, secret, ...(password ? [password] : [])];
      const exchange = createCcxtInstance(
        this.options.exchangeId,
        { apiKey, secret, ...(password ? { password } : {}) },
        this.options.testnet,
        this.options.instance,
      );
      await exchange.loadMarkets();
      this.exchange = exchange;
      this.heartbeat(`Connected to ${this.description.name}${this.options.testnet ? ' testnet' : ''}: ${Object.keys(exchange.markets ?? {}).length} markets`);
      return exchange;
    } catch (error) {
      const mapped = this.fail(error, 'load its markets');
      throw mapped;
    }
  }

  /**
   * Runs one request against the exchange and keeps the link state: an answer is a heartbeat, a network failure
   * takes the link down. Errors are rethrown as they are (callers decide what an error means for an order).
   */
  async call<T>(work: (exchange: Exchange) => Promise<T>): Promise<T> {
    const exchange = await this.ready();
    try {
      const result = await work(exchange);
      this.heartbeat();
      return result;
    } catch (error) {
      if (error instanceof NetworkError) {
        this.setState({ link: 'down', broker: 'unknown', detail: `No answer from ${this.description.name}: ${this.toError(error, 'answer').message}` });
      } else if (error instanceof AuthenticationError || error instanceof PermissionDenied) {
        this.setState({ link: 'down', broker: 'connected', detail: this.toError(error, 'accept the credentials').message });
      } else {
        // The exchange answered (with a refusal): the link itself is fine.
        this.heartbeat();
      }
      throw error;
    }
  }

  /** ccxt error → DomainError with this exchange's name and this account's secrets masked. */
  toError(error: unknown, action: string): DomainError {
    return toDomainError(error, { exchange: this.description.name, action, secrets: this.secretValues });
  }

  market(symbol: string): MarketInterface | undefined {
    const markets = this.exchange?.markets as Record<string, MarketInterface | undefined> | undefined;
    return markets?.[symbol];
  }

  instrument(symbol: string): Instrument | undefined {
    const cached = this.instruments.get(symbol);
    if (cached) return cached;
    const market = this.market(symbol);
    if (!market || !this.exchange) return undefined;
    const instrument = instrumentFromMarket(market, this.exchange.precisionMode ?? 4);
    this.instruments.set(symbol, instrument);
    return instrument;
  }

  state(): BrokerState {
    return { ...this.current };
  }

  onStateChange(listener: (state: BrokerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the instance (credentials changed): the next request creates a new one with the keychain's secrets. */
  reset(detail = 'Credentials changed; reconnecting on next use'): void {
    this.exchange = undefined;
    this.secretValues = [];
    this.instruments.clear();
    this.setState({ link: 'down', broker: 'unknown', detail });
  }

  private fail(error: unknown, action: string): DomainError {
    const mapped = isDomainError(error) ? error : this.toError(error, action);
    this.setState({ link: 'down', broker: 'unknown', detail: mapped.message });
    this.log('warn', 'exchange connection failed', { code: mapped.code, detail: mapped.message });
    return mapped;
  }

  private heartbeat(detail?: string): void {
    const now = this.options.clock.now().toISOString();
    if (this.current.link !== 'up' || detail) {
      this.setState({ link: 'up', broker: 'connected', detail: detail ?? `Connected to ${this.description.name}`, lastHeartbeat: now });
    } else {
      this.current.lastHeartbeat = now;
    }
  }

  private setState(patch: Partial<BrokerState>): void {
    const before = this.current;
    this.current = { ...before, ...patch };
    if (before.link !== this.current.link || before.broker !== this.current.broker || before.detail !== this.current.detail) {
      for (const listener of this.listeners) listener(this.state());
    }
  }
}
