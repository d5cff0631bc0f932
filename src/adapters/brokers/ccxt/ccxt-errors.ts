import {
  AccountNotEnabled,
  AccountSuspended,
  ArgumentsRequired,
  AuthenticationError,
  BadRequest,
  BadSymbol,
  DDoSProtection,
  DuplicateOrderId,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  NotSupported,
  OperationFailed,
  OperationRejected,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { DomainError, isDomainError } from '../../../shared/contract/errors';
import { redactSecrets } from '../../../core/ports/secret-store';

/**
 * ccxt's exceptions → the contract's error codes, with a message a trader can act on. Every message that leaves the
 * adapter goes through here: request URLs lose their query strings (signatures, timestamps) and any secret of the
 * account is masked, whatever the exchange echoed.
 */

export interface ErrorContext {
  /** The exchange's display name ("Binance"). */
  exchange: string;
  /** What we were doing, as a verb phrase: "fetch the balance", "place the order". */
  action: string;
  /** The account's secrets, masked out of every message. */
  secrets?: readonly (string | undefined)[];
}

/** What the exchange said, without ccxt's prefix, the request URL's query or the JSON wrapping. */
export function exchangeSays(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  let text = error instanceof Error ? error.message : String(error);
  text = text.replace(/(https?:\/\/[^\s?"]+)\?[^\s"]*/g, '$1');
  const json = text.indexOf('{');
  if (json !== -1) {
    try {
      const body = JSON.parse(text.slice(json)) as Record<string, unknown>;
      const message = ['msg', 'message', 'error', 'ret_msg', 'errorMessage', 'err-msg'].map((k) => body[k]).find((v) => typeof v === 'string');
      const code = ['code', 'ret_code', 'err-code', 'errorCode'].map((k) => body[k]).find((v) => typeof v === 'string' || typeof v === 'number');
      if (typeof message === 'string') text = code !== undefined ? `${message} (code ${String(code)})` : message;
    } catch {
      /* not JSON: keep the text */
    }
  }
  text = text.replace(/^[a-z0-9]+ /, '').trim();
  return redactSecrets(text, secrets).slice(0, 500);
}

export type OrderErrorKind = 'rejected' | 'unknown';

/** Answers that say the exchange turned the order away: nothing was placed. */
const REFUSALS = [
  RateLimitExceeded,
  DDoSProtection,
  InvalidNonce,
  AuthenticationError,
  InsufficientFunds,
  InvalidOrder,
  BadRequest,
  ArgumentsRequired,
  NotSupported,
  OperationRejected,
] as const;

/**
 * Whether a failed order request may still have reached the exchange. Only a clear refusal (rate limit, credentials,
 * funds, a rule of the order, a malformed request) says it did not. Everything else — timeouts, dropped connections,
 * 5xx answers, "unknown error" codes (Binance documents -1000/-1001/-1007 and 5xx on order endpoints as "execution
 * status UNKNOWN"), answers ccxt could not parse — is 'unknown': resolved by asking for the client order id.
 */
export function orderOutcomeOf(error: unknown): OrderErrorKind {
  return REFUSALS.some((refusal) => error instanceof refusal) ? 'rejected' : 'unknown';
}

/** A ccxt client order id refused as already used: the order exists, ask for it instead of sending it again. */
export function isDuplicateClientOrderId(error: unknown): boolean {
  if (error instanceof DuplicateOrderId) return true;
  return error instanceof Error && /duplicate (order|client ?order ?id)|client ?order ?id (already|is duplicated|exists)|clOrdId.*(duplicate|exists)/i.test(error.message);
}

export function isOrderNotFound(error: unknown): boolean {
  return error instanceof OrderNotFound || (error instanceof InvalidOrder && /does not exist|not found|unknown order/i.test(error.message));
}

export function toDomainError(error: unknown, context: ErrorContext): DomainError {
  if (isDomainError(error)) return error;
  const { exchange, action } = context;
  const says = exchangeSays(error, context.secrets);
  const text = error instanceof Error ? error.message : String(error);
  const authLike = /signature .*not valid|invalid api[- ]?key|api[- ]?key .*(invalid|format)|permissions? for action/i.test(text);
  if (authLike && error instanceof DDoSProtection) {
    // Binance answers -2015 both for a revoked/changed key and for a temporary ban of a key that worked before.
    return new DomainError(
      'EXCHANGE_AUTH_FAILED',
      `${exchange} refused this account's API key when asked to ${action} (${says}). The key may have been changed or revoked ` +
        `(update it with update-credentials), lack a permission, not allow this IP — or be banned for a few minutes after too many requests.`,
    );
  }
  if (error instanceof RateLimitExceeded || error instanceof DDoSProtection) {
    return new DomainError(
      'RATE_LIMITED',
      `${exchange} is rate-limiting this account, so the request to ${action} was refused (${says}). Nothing was done; ` +
        `wait a minute and try again, and poll less often (ccxt already spaces requests per account).`,
    );
  }
  if (error instanceof RequestTimeout) {
    return new DomainError('EXCHANGE_UNAVAILABLE', `${exchange} did not answer in time when asked to ${action} (${says}); try again shortly.`);
  }
  if (error instanceof ExchangeNotAvailable) {
    return new DomainError('EXCHANGE_UNAVAILABLE', `${exchange} is not available right now (maintenance or an outage) and could not ${action} (${says}); try again later.`);
  }
  if (error instanceof InvalidNonce) {
    return new DomainError(
      'EXCHANGE_ERROR',
      `${exchange} refused the request to ${action} because of its timestamp (${says}). Check that this computer's clock is set automatically.`,
    );
  }
  if (error instanceof NetworkError) {
    return new DomainError('EXCHANGE_UNAVAILABLE', `${exchange} could not be reached to ${action} (${says}). Check the internet connection and try again.`);
  }
  if (error instanceof OperationFailed) {
    return new DomainError('EXCHANGE_UNAVAILABLE', `${exchange} failed to ${action} on its side (${says}); try again shortly.`);
  }
  if (error instanceof AuthenticationError || error instanceof PermissionDenied || error instanceof AccountSuspended || error instanceof AccountNotEnabled || authLike) {
    return new DomainError(
      'EXCHANGE_AUTH_FAILED',
      `${exchange} refused this account's API credentials when asked to ${action} (${says}). Check the API key and secret ` +
        `(update them with update-credentials), that the key may read balances and trade spot, and any IP whitelist on the key.`,
    );
  }
  if (error instanceof InsufficientFunds || /insufficient (balance|funds|margin)/i.test(text)) {
    return new DomainError('INSUFFICIENT_FUNDS', `${exchange} refused to ${action}: not enough free balance (${says}).`);
  }
  if (error instanceof BadSymbol) {
    return new DomainError('UNKNOWN_SYMBOL', `${exchange} does not list that market (${says}); use a symbol such as BTC/USDT from its markets.`);
  }
  if (error instanceof OrderNotFound) {
    return new DomainError('NOT_FOUND', `${exchange} does not know that order (${says}).`);
  }
  if (error instanceof InvalidOrder || /filter failure|lot_size|min_notional|notional|precision|minimum (amount|order)/i.test(text)) {
    return new DomainError(
      'INVALID_ORDER',
      `${exchange} rejected the order (${says}). Check the amount against the market's minimum, step size and minimum order value.`,
    );
  }
  if (error instanceof NotSupported) {
    return new DomainError('NOT_SUPPORTED', `${exchange} (through ccxt) cannot ${action}: ${says}.`);
  }
  return new DomainError('EXCHANGE_ERROR', `${exchange} refused to ${action}: ${says}.`);
}
