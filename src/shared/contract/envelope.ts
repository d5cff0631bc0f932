import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from './errors';
import type { CallResult } from './invoke';
import type { EnvelopeKind } from './procedure';

/** The documented response envelopes. forex-echo: {success, message, data} and {success:false, error}. */

export function successEnvelope(kind: EnvelopeKind, message: string, data: unknown): Record<string, unknown> {
  switch (kind) {
    case 'forex-echo':
      return { success: true, message, data };
  }
}

export function errorEnvelope(
  kind: EnvelopeKind,
  code: ErrorCode,
  message: string,
  details?: ErrorDetail[],
): Record<string, unknown> {
  switch (kind) {
    case 'forex-echo':
      return { success: false, error: message, code, ...(details && details.length ? { details } : {}) };
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
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status >= 500) return 'INTERNAL';
  return 'VALIDATION_FAILED';
}
