import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from './errors';
import type { CallResult } from './invoke';
import type { EnvelopeKind } from './procedure';

/**
 * The documented response envelopes. forex-echo: {success, message, data} and {success:false, error};
 * trading-application: the documented body, and {success:false, detail, errors, request_id, timestamp} (plus `code`).
 * binance-trading-bot: the documented body, and {success:false, error, details: {field, message[, errors]}} (plus `code`).
 */

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
  }
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
