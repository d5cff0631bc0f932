import ccxt, { type Exchange } from 'ccxt';
import { DomainError } from '../../../shared/contract/errors';

/** The ids ccxt supports ("binance", "kraken", "okx", ...), as ccxt lists them. */
export function ccxtExchangeIds(): readonly string[] {
  return ccxt.exchanges as string[];
}

type ExchangeConstructor = new (config?: Record<string, unknown>) => Exchange;

function constructorOf(exchangeId: string): ExchangeConstructor {
  const ctor = (ccxt as unknown as Record<string, unknown>)[exchangeId];
  if (!ccxtExchangeIds().includes(exchangeId) || typeof ctor !== 'function') {
    throw new DomainError('VALIDATION_FAILED', `"${exchangeId}" is not an exchange ccxt supports`);
  }
  return ctor as ExchangeConstructor;
}

export interface ExchangeDescription {
  id: string;
  name: string;
  /** ccxt has a sandbox/testnet URL set for it (setSandboxMode works). */
  sandbox: boolean;
  /** Credentials the exchange needs besides key and secret ("password" = the passphrase of OKX, KuCoin, ...). */
  needsPassphrase: boolean;
}

const descriptions = new Map<string, ExchangeDescription>();

/** What ccxt knows about an exchange, read once from a credential-less instance. */
export function describeExchange(exchangeId: string): ExchangeDescription {
  const known = descriptions.get(exchangeId);
  if (known) return known;
  const exchange = new (constructorOf(exchangeId))();
  const description = {
    id: exchangeId,
    name: String(exchange.name ?? exchangeId),
    sandbox: Boolean((exchange.urls as Record<string, unknown>).test),
    needsPassphrase: Boolean((exchange.requiredCredentials as Record<string, boolean> | undefined)?.password),
  };
  descriptions.set(exchangeId, description);
  return description;
}

export interface CcxtCredentials {
  apiKey: string;
  secret: string;
  password?: string;
}

export interface CcxtInstanceOptions {
  /**
   * Replaces the scheme and host of every REST URL of the exchange (keeping the paths) — how tests point an instance
   * at the local exchange emulator. Never set in the app.
   */
  apiOrigin?: string;
  /** ccxt's request timeout (ms); 10 s by default. */
  timeoutMs?: number;
  /** Sees every request URL before it leaves (tests assert that only the emulator is contacted). */
  onRequest?: (url: string) => void;
}

/** Every http(s) URL string in a (nested) ccxt URL table, with its origin replaced. */
function redirect(value: unknown, origin: string): unknown {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? value.replace(/^https?:\/\/[^/]+/, origin) : value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redirect(v, origin)]));
  }
  return value;
}

/**
 * One ccxt instance for one account. Its rate limiter is on (and per instance, so per account); ccxt's own retries of
 * failed requests are off — an order whose answer was lost is resolved by asking the exchange, never by resending.
 * Sandbox mode uses the exchange's testnet URLs; an exchange without one is refused with a clear message.
 */
export function createCcxtInstance(
  exchangeId: string,
  credentials: CcxtCredentials,
  testnet: boolean,
  options: CcxtInstanceOptions = {},
): Exchange {
  const description = describeExchange(exchangeId);
  const exchange = new (constructorOf(exchangeId))({
    apiKey: credentials.apiKey,
    secret: credentials.secret,
    ...(credentials.password ? { password: credentials.password } : {}),
    enableRateLimit: true,
    timeout: options.timeoutMs ?? 10_000,
    options: {
      maxRetriesOnFailure: 0,
      maxRetriesOnFailureDelay: 0,
      // Signed requests carry a timestamp; measure the clock difference to the exchange once instead of failing later.
      adjustForTimeDifference: true,
    },
  });
  if (testnet) {
    if (!description.sandbox) {
      throw new DomainError(
        'NOT_SUPPORTED',
        `${description.name} has no testnet/sandbox in ccxt; create the account with "is_testnet": false (a real account) or choose an exchange with a testnet`,
      );
    }
    exchange.setSandboxMode(true);
  }
  if (options.apiOrigin) {
    const urls = exchange.urls as Record<string, unknown>;
    urls.api = redirect(urls.api, options.apiOrigin);
  }
  if (options.onRequest) {
    const onRequest = options.onRequest;
    const fetch = exchange.fetch.bind(exchange);
    exchange.fetch = ((url: string, ...rest: unknown[]) => {
      onRequest(url);
      return (fetch as (...args: unknown[]) => Promise<unknown>)(url, ...rest);
    }) as Exchange['fetch'];
  }
  return exchange;
}

/** Close matches for a mistyped exchange id: same prefix, contained, or a small edit distance. */
export function closeExchangeMatches(input: string, ids: readonly string[] = ccxtExchangeIds(), max = 5): string[] {
  const wanted = input.trim().toLowerCase().replace(/[\s_.-]/g, '');
  const scored = ids
    .map((id) => {
      const distance = editDistance(wanted, id);
      const related = wanted.length >= 3 && (id.startsWith(wanted) || wanted.startsWith(id) || id.includes(wanted));
      return { id, score: related ? Math.min(distance, 1) : distance };
    })
    .filter((s) => s.score <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id));
  return scored.slice(0, max).map((s) => s.id);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
