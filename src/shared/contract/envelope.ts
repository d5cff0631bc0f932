import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from './errors';
import type { CallResult } from './invoke';
import type { EnvelopeKind } from './procedure';

/**
 * The documented response envelopes. forex-echo: {success, message, data} and {success:false, error};
 * trading-application: the documented body, and {success:false, detail, errors, request_id, timestamp} (plus `code`).
 * binance-trading-bot: the documented body, and {success:false, error, details: {field, message[, errors]}} (plus `code`).
 * market7: {status:'success', data, timestamp}, and {status:'error', error: {code, message, details, detail_code}, timestamp}
 * with market7's codes (MARKET7_ERROR_CODES); `detail_code` keeps ours, which is finer.
 */

/** Our error code as market7 names it (its document lists these codes; INTERNAL_ERROR and SERVICE_UNAVAILABLE for 500/503). */
export const MARKET7_ERROR_CODES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'VALIDATION_ERROR',
  AMBIGUOUS_TARGET: 'VALIDATION_ERROR',
  UNAUTHORIZED: 'AUTHENTICATION_ERROR',
  FORBIDDEN: 'AUTHORIZATION_ERROR',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'VALIDATION_ERROR',
  ALREADY_EXISTS: 'VALIDATION_ERROR',
  DUPLICATE_STRATEGY: 'VALIDATION_ERROR',
  DUPLICATE_PAIR: 'VALIDATION_ERROR',
  ALLOCATION_EXCEEDED: 'VALIDATION_ERROR',
  NOTHING_TO_ALLOCATE: 'VALIDATION_ERROR',
  PAYLOAD_TOO_LARGE: 'VALIDATION_ERROR',
  URI_TOO_LONG: 'VALIDATION_ERROR',
  HEADERS_TOO_LARGE: 'VALIDATION_ERROR',
  REQUEST_TIMEOUT: 'VALIDATION_ERROR',
  UNSUPPORTED_MEDIA_TYPE: 'VALIDATION_ERROR',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL_ERROR',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  KEYCHAIN_UNAVAILABLE: 'CONFIGURATION_ERROR',
  EXCHANGE_AUTH_FAILED: 'EXTERNAL_API_ERROR',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_BALANCE',
  INVALID_ORDER: 'VALIDATION_ERROR',
  UNKNOWN_SYMBOL: 'INVALID_SYMBOL',
  NOT_SUPPORTED: 'EXTERNAL_API_ERROR',
  EXCHANGE_UNAVAILABLE: 'EXTERNAL_API_ERROR',
  EXCHANGE_ERROR: 'EXTERNAL_API_ERROR',
  ACCOUNT_IN_USE: 'VALIDATION_ERROR',
  TERMINAL_NOT_CONNECTED: 'EXTERNAL_API_ERROR',
  BRIDGE_UNAVAILABLE: 'EXTERNAL_API_ERROR',
  MARKET_CLOSED: 'TRADING_DISABLED',
  TASK_NOT_RUNNING: 'TRADING_DISABLED',
  ORDER_DENIED: 'VALIDATION_ERROR',
};

export function successEnvelope(kind: EnvelopeKind, message: string, data: unknown): Record<string, unknown> {
  switch (kind) {
    case 'forex-echo':
      return { success: true, message, data };
    case 'trading-application':
      // The documented response body itself (it carries its own `success` where the spec shows one).
      return data as Record<string, unknown>;
    case 'binance-trading-bot':
      // The documented resource itself (`response.json()["id"]` in the spec's examples); no message.
      return data as Record<string, unknown>;
    case 'ai-trading-hub':
      return data as Record<string, unknown>;
    case 'market7':
      return { status: 'success', data, timestamp: new Date().toISOString() };
  }
}

/** Where an error came from, for envelopes that name the request (trading-application's request_id). */
export interface ErrorContext {
  requestId?: string;
}

export function errorEnvelope(
  kind: EnvelopeKind,
  code: ErrorCode,
  message: string,
  details?: ErrorDetail[],
  context: ErrorContext = {},
): Record<string, unknown> {
  switch (kind) {
    case 'forex-echo':
      return { success: false, error: message, code, ...(details && details.length ? { details } : {}) };
    case 'trading-application': {
      // {field_name: message}; several problems with one field are joined into one sentence.
      const errors: Record<string, string> = {};
      for (const d of details ?? []) errors[d.path] = errors[d.path] === undefined ? d.message : `${errors[d.path]}; ${d.message}`;
      return {
        success: false,
        detail: message,
        errors,
        code,
        request_id: context.requestId ?? globalThis.crypto.randomUUID(),
        timestamp: new Date().toISOString(),
      };
    }
    case 'binance-trading-bot': {
      // {"success": false, "error": "...", "details": {"field": ..., "message": ...}}; all problems in details.errors.
      const list = details ?? [];
      const first = list[0];
      return {
        success: false,
        error: message,
        code,
        ...(first
          ? { details: { field: first.path, message: first.message, ...(list.length > 1 ? { errors: list.map((d) => ({ field: d.path, message: d.message })) } : {}) } }
          : {}),
      };
    }
    case 'ai-trading-hub':
      return { detail: message, code, ...(details && details.length ? { errors: details } : {}) };
    case 'market7':
      return {
        status: 'error',
        error: { code: MARKET7_ERROR_CODES[code], message, details: details && details.length ? { errors: details } : {}, detail_code: code },
        timestamp: new Date().toISOString(),
      };
  }
}

/** Client side: reads a documented envelope back into the transport-neutral CallResult. */
export function callResultFromEnvelope(kind: EnvelopeKind, status: number, body: unknown): CallResult {
  switch (kind) {
    case 'forex-echo': {
      const envelope = (body ?? {}) as { success?: unknown; message?: unknown; data?: unknown; error?: unknown; code?: unknown; details?: unknown };
      if (envelope.success === true && status < 400) {
        return { ok: true, data: envelope.data, message: typeof envelope.message === 'string' ? envelope.message : '' };
      }
      const code = typeof envelope.code === 'string' && envelope.code in ERROR_STATUS ? (envelope.code as ErrorCode) : codeForStatus(status);
      return {
        ok: false,
        error: {
          code,
          message: typeof envelope.error === 'string' ? envelope.error : `The server answered ${status}`,
          ...(Array.isArray(envelope.details) ? { details: envelope.details as ErrorDetail[] } : {}),
        },
      };
    }
    case 'trading-application': {
      const envelope = (body ?? {}) as { success?: unknown; message?: unknown; detail?: unknown; errors?: unknown; code?: unknown };
      if (status < 400 && envelope.success !== false) {
        return { ok: true, data: body, message: typeof envelope.message === 'string' ? envelope.message : '' };
      }
      const code = typeof envelope.code === 'string' && envelope.code in ERROR_STATUS ? (envelope.code as ErrorCode) : codeForStatus(status);
      const errors = envelope.errors && typeof envelope.errors === 'object' ? Object.entries(envelope.errors as Record<string, unknown>) : [];
      return {
        ok: false,
        error: {
          code,
          message: typeof envelope.detail === 'string' ? envelope.detail : `The server answered ${status}`,
          ...(errors.length ? { details: errors.map(([path, message]) => ({ path, message: String(message) })) } : {}),
        },
      };
    }
    case 'binance-trading-bot':
      return binanceResult(status, body);
    case 'ai-trading-hub': {
      if (status < 400) return { ok: true, data: body, message: '' };
      const envelope = (body ?? {}) as { detail?: unknown; code?: unknown; errors?: unknown };
      const code = typeof envelope.code === 'string' && envelope.code in ERROR_STATUS ? (envelope.code as ErrorCode) : codeForStatus(status);
      return {
        ok: false,
        error: {
          code,
          message: typeof envelope.detail === 'string' ? envelope.detail : `The server answered ${status}`,
          ...(Array.isArray(envelope.errors) ? { details: envelope.errors as ErrorDetail[] } : {}),
        },
      };
    }
    case 'market7':
      return market7Result(status, body);
  }
}

function market7Result(status: number, body: unknown): CallResult {
  const envelope = (body ?? {}) as { status?: unknown; data?: unknown; error?: unknown };
  if (status < 400) {
    // Wrapped ({status:'success', data}) or a documented bare body (/api/health: {status:'healthy', ...}).
    return { ok: true, data: envelope.status === 'success' && 'data' in envelope ? envelope.data : body, message: '' };
  }
  const error = (envelope.error && typeof envelope.error === 'object' ? envelope.error : {}) as {
    code?: unknown; message?: unknown; details?: unknown; detail_code?: unknown;
  };
  const ours = typeof error.detail_code === 'string' && error.detail_code in ERROR_STATUS ? (error.detail_code as ErrorCode) : undefined;
  const theirs = (Object.keys(MARKET7_ERROR_CODES) as ErrorCode[]).find((c) => MARKET7_ERROR_CODES[c] === error.code && ERROR_STATUS[c] === status);
  const list = (error.details as { errors?: unknown } | undefined)?.errors;
  return {
    ok: false,
    error: {
      code: ours ?? theirs ?? codeForStatus(status),
      message: typeof error.message === 'string' ? error.message : `The server answered ${status}`,
      ...(Array.isArray(list) ? { details: list as ErrorDetail[] } : {}),
    },
  };
}

function binanceResult(status: number, body: unknown): CallResult {
  const envelope = (body ?? {}) as { success?: unknown; error?: unknown; code?: unknown; details?: unknown };
  if (status < 400) return { ok: true, data: body === undefined || body === '' ? null : body, message: '' };
  const code = typeof envelope.code === 'string' && envelope.code in ERROR_STATUS ? (envelope.code as ErrorCode) : codeForStatus(status);
  const d = envelope.details && typeof envelope.details === 'object' ? (envelope.details as { field?: unknown; message?: unknown; errors?: unknown }) : undefined;
  const list = Array.isArray(d?.errors)
    ? (d.errors as { field?: unknown; message?: unknown }[]).map((e) => ({ path: String(e.field ?? ''), message: String(e.message ?? '') }))
    : d && typeof d.message === 'string'
      ? [{ path: String(d.field ?? ''), message: d.message }]
      : [];
  return {
    ok: false,
    error: {
      code,
      message: typeof envelope.error === 'string' ? envelope.error : `The server answered ${status}`,
      ...(list.length ? { details: list } : {}),
    },
  };
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status >= 500) return 'INTERNAL';
  return 'VALIDATION_FAILED';
}
