import type { z } from 'zod';
import { DomainError, isDomainError, type ErrorCode, type ErrorDetail } from './errors';
import { isProcedureName, procedures, type Handlers, type OutputOf, type ProcedureName } from './index';
import { OWNER_CALLER, principalCan, type Caller } from './access';
import { permissionOf } from './permissions';

/** The outcome of one call, the same whichever transport carried it. */
export type CallResult<T = unknown> =
  | { ok: true; data: T; message: string }
  | { ok: false; error: { code: ErrorCode; message: string; details?: ErrorDetail[] } };

export function describeZodError(error: z.ZodError): { message: string; details: ErrorDetail[] } {
  const details = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling against the API docs`;
    } else if (issue.code === 'invalid_type' && /received undefined/.test(message)) {
      message = `${path || 'value'} is required`;
    }
    return { path, message };
  });
  const message = details.map((d) => (d.path && !d.message.startsWith(d.path) ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return { message: `Invalid request: ${message}`, details };
}

/**
 * Checks the caller's permission, validates the input, runs the handler, validates the output. Every transport calls this and nothing else,
 * so the rules of the contract hold identically over HTTP, IPC and direct calls.
 * `onUnexpected` receives errors that are bugs (they become INTERNAL, with no internals leaked).
 */
export async function invokeProcedure(
  handlers: Handlers,
  name: string,
  rawInput: unknown,
  onUnexpected: (error: unknown, name: string) => void = () => {},
  caller: Caller = OWNER_CALLER,
): Promise<CallResult> {
  if (!isProcedureName(name)) {
    return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown operation "${name}"` } };
  }
  const needed = permissionOf(name);
  if (!principalCan(caller.principal, needed)) {
    return {
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: `Your role (${caller.principal.role}) may not do this: it needs the "${needed}" permission; ask an admin`,
      },
    };
  }
  const procedure = procedures[name];
  const parsed = procedure.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const { message, details } = describeZodError(parsed.error);
    return { ok: false, error: { code: 'VALIDATION_FAILED', message, details } };
  }
  try {
    const handler = handlers[name] as (input: unknown, caller: Caller) => unknown;
    const output = await handler(parsed.data, caller);
    const checked = procedure.output.safeParse(output);
    if (!checked.success) {
      onUnexpected(new Error(`Output of ${name} broke the contract: ${checked.error.message}`), name);
      return { ok: false, error: { code: 'INTERNAL', message: 'Internal error: the result did not match the API contract (logged)' } };
    }
    const data = checked.data as OutputOf<ProcedureName>;
    return { ok: true, data, message: (procedure.message as (o: unknown) => string)(data) };
  } catch (error) {
    if (isDomainError(error)) {
      return { ok: false, error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    }
    onUnexpected(error, name);
    return { ok: false, error: { code: 'INTERNAL', message: 'Internal error; it was logged with details for a bug report' } };
  }
}

/** Turns a failed CallResult back into the DomainError a typed client throws. */
export function toDomainError(result: Extract<CallResult, { ok: false }>): DomainError {
  return new DomainError(result.error.code, result.error.message, result.error.details);
}
