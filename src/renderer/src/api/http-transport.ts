import { procedures, ERROR_STATUS, type ErrorCode, type ErrorDetail, type ProcedureName } from '../../../shared/contract/index';
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
    return fromEnvelope(response.status, await readJson(response));
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** `{success, message, data}` / `{success:false, error, code, details}` → CallResult. */
export function fromEnvelope(status: number, body: unknown): CallResult {
  if (isRecord(body) && body.success === true) {
    return { ok: true, data: body.data, message: typeof body.message === 'string' ? body.message : '' };
  }
  if (isRecord(body) && body.success === false) {
    const code = isErrorCode(body.code) ? body.code : codeOfStatus(status);
    const message = typeof body.error === 'string' ? body.error : `Request failed with HTTP ${status}`;
    const details = Array.isArray(body.details) ? body.details.filter(isErrorDetail) : undefined;
    return { ok: false, error: { code, message, ...(details && details.length ? { details } : {}) } };
  }
  return failure(codeOfStatus(status), `Unexpected answer from the server (HTTP ${status})`);
}

function failure(code: ErrorCode, message: string): CallResult {
  return { ok: false, error: { code, message } };
}

function codeOfStatus(status: number): ErrorCode {
  const match = (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match ? match[0] : status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED';
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}

function isErrorDetail(value: unknown): value is ErrorDetail {
  return isRecord(value) && typeof value.path === 'string' && typeof value.message === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
