import { procedures, type EnvelopeKind, type ErrorCode, type ProcedureName } from '../../../shared/contract/index';
import { callResultFromEnvelope } from '../../../shared/contract/envelope';
import type { Transport } from '../../../shared/contract/client';
import { toHttpRequest, type HttpRequestShape } from '../../../shared/contract/http-mapping';
import type { CallResult } from '../../../shared/contract/invoke';

/**
 * Browser transport: each procedure goes to its first documented route on the same origin. The session cookie
 * set by the one-time sign-in link travels automatically; the UI never sees the API token.
 */
export function createHttpTransport(baseUrl = ''): Transport {
  return async (name: ProcedureName, input: unknown): Promise<CallResult> => {
    const route = procedures[name].http[0];
    if (!route) return failure('NOT_FOUND', `Operation "${name}" has no HTTP route`);
    let request: HttpRequestShape;
    try {
      request = toHttpRequest(route, isRecord(input) ? input : {});
    } catch (error) {
      // A missing path parameter (e.g. an empty user id) is the caller's input problem, not a network one.
      return failure('VALIDATION_FAILED', error instanceof Error ? error.message : String(error));
    }
    let response: Response;
    try {
      response = await fetch(baseUrl + request.url, {
        method: request.method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      });
    } catch {
      return failure('UNAVAILABLE', 'The Echo server is not reachable; is `npm run serve` still running?');
    }
    return fromEnvelope(response.status, await readJson(response), route.envelope);
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** A route's documented envelope → CallResult, with the reader every client shares. */
export function fromEnvelope(status: number, body: unknown, kind: EnvelopeKind = 'forex-echo'): CallResult {
  return callResultFromEnvelope(kind, status, body);
}

function failure(code: ErrorCode, message: string): CallResult {
  return { ok: false, error: { code, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
