/**
 * Error codes of the contract. Every refusal carries one, so scripts can branch on the code
 * and people can read the message. The HTTP status is derived from the code, never chosen ad hoc.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  AMBIGUOUS_TARGET: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  DUPLICATE_STRATEGY: 409,
  DUPLICATE_PAIR: 409,
  ALLOCATION_EXCEEDED: 409,
  NOTHING_TO_ALLOCATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** Refused by the HTTP parser before any route: the URL (414) or the header block (431) is too long, or too slow to arrive (408). */
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  // Exchange accounts (ccxt): what the exchange or the OS keychain answered, in words a trader can act on.
  /** No OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) to keep the secrets in; never plaintext. */
  KEYCHAIN_UNAVAILABLE: 503,
  /** The exchange refused the stored API key/secret (wrong, expired, missing permission, IP not allowed). */
  EXCHANGE_AUTH_FAILED: 422,
  INSUFFICIENT_FUNDS: 422,
  INVALID_ORDER: 422,
  UNKNOWN_SYMBOL: 404,
  /** The exchange or ccxt cannot do this (no sandbox, no such method). */
  NOT_SUPPORTED: 422,
  /** The exchange did not answer (network, timeout, maintenance); nothing can be assumed about what it did. */
  EXCHANGE_UNAVAILABLE: 503,
  /** The exchange answered with an error that has no better code; its message is kept. */
  EXCHANGE_ERROR: 502,
  /** The account is still used (open positions of trading tasks on it). */
  ACCOUNT_IN_USE: 409,
  // MetaTrader 5 bridge (/api/mt5/...).
  /** No MetaTrader terminal (EchoBridge EA) is connected and synchronized right now. */
  TERMINAL_NOT_CONNECTED: 409,
  /** The MT5 bridge cannot listen on its port (another program has it). */
  BRIDGE_UNAVAILABLE: 409,
  // Manual orders on a trading task (/api/trading/orders).
  /** The task's market takes no orders now (weekend, no price yet, the broker's link down or reconciling). */
  MARKET_CLOSED: 409,
  /** The task is stopped, paused or not resumed: it sends no orders. */
  TASK_NOT_RUNNING: 409,
  /** The risk engine refused the order (its message says which rule). */
  ORDER_DENIED: 422,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path: string;
  message: string;
}

/** A refusal the caller can act on. Thrown by core, translated into each transport's envelope. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
