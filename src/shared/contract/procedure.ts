import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Which documented envelope a route answers with. Each spec file keeps its own:
 * forex-echo wraps as {success, message, data} / {success:false, error};
 * trading-application (/api/v1/...) answers with the documented body as is and fails as
 * {success:false, detail, errors, request_id, timestamp}.
 * binance-trading-bot (/api/backtest/, /api/signals/, ...) answers with the documented body as is (201 on create,
 * 204 with no body on delete) and fails as {success:false, error, details: {field, message}} (plus `code`).
 * ai-trading-hub (/auth/..., /user/..., /admin/... at the root) answers with the documented body as is and fails as
 * FastAPI does: {detail} (plus `code` and, for bad input, `errors`).
 * market7 (/api/health, /api/status, /api/metrics...) wraps as {status:'success', data, timestamp} and fails as
 * {status:'error', error: {code, message, details}, timestamp} with market7's own codes (VALIDATION_ERROR, ...).
 */
export type EnvelopeKind = 'forex-echo' | 'trading-application' | 'binance-trading-bot' | 'ai-trading-hub' | 'market7';

export interface HttpRoute {
  method: HttpMethod;
  /** The documented path, with `{param}` placeholders exactly as the spec writes them. */
  path: string;
  envelope: EnvelopeKind;
  /** Answered without the API token (only /health). */
  public?: boolean;
  /** HTTP status of a success (default 200): 201 Created, 204 No Content (sent without a body). */
  status?: 200 | 201 | 204;
  /** The document sends this route a form (application/x-www-form-urlencoded) rather than JSON: OAuth2's password form. */
  form?: true;
  /** The answer is a file: its `csv` field is sent as text/csv with its `filename` (IPC callers get the JSON). */
  download?: 'csv';
  /**
   * The answer is a Prometheus text exposition: its `text` field is sent as `text/plain; version=0.0.4` unless the
   * client asks for JSON (the typed client does: it gets the envelope).
   */
  text?: 'prometheus';
  /** Success is the documented body itself, not wrapped in the envelope (market7's /api/health); errors still are. */
  bare?: true;
}

export interface Procedure<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  description?: string;
  tag: string;
  input: I;
  output: O;
  http: readonly HttpRoute[];
  /** The human sentence that goes into the envelope's `message` on success. */
  message: (output: z.output<O>) => string;
}

export function defineProcedure<I extends z.ZodType, O extends z.ZodType>(procedure: Procedure<I, O>): Procedure<I, O> {
  return procedure;
}
