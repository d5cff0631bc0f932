import type { ErrorCode, ErrorDetail } from './errors';
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
