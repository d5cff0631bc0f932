import { describe, expect, it } from 'vitest';
import { callResultFromEnvelope, errorEnvelope, MARKET7_ERROR_CODES, successEnvelope } from './envelope';
import { ERROR_STATUS, type ErrorCode } from './errors';

describe('market7 envelope', () => {
  it('wraps a success as {status, data, timestamp} and reads it back', () => {
    const body = successEnvelope('market7', '', { a: 1 });
    expect(body).toMatchObject({ status: 'success', data: { a: 1 } });
    expect(Number.isNaN(Date.parse(body.timestamp as string))).toBe(false);
    expect(callResultFromEnvelope('market7', 200, body)).toEqual({ ok: true, data: { a: 1 }, message: '' });
    // A documented bare body (/api/health) is the data itself.
    expect(callResultFromEnvelope('market7', 200, { status: 'healthy' })).toEqual({ ok: true, data: { status: 'healthy' }, message: '' });
  });

  it('refuses with market7 codes and keeps ours; every code reads back to itself', () => {
    const details = [{ path: 'limit', message: 'must be positive' }];
    const body = errorEnvelope('market7', 'VALIDATION_FAILED', 'Invalid request', details);
    expect(body).toMatchObject({ status: 'error', error: { code: 'VALIDATION_ERROR', message: 'Invalid request', details: { errors: details }, detail_code: 'VALIDATION_FAILED' } });
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      const result = callResultFromEnvelope('market7', ERROR_STATUS[code], errorEnvelope('market7', code, 'no'));
      expect(result).toEqual({ ok: false, error: { code, message: 'no' } });
    }
    // Without our code (another market7 server): market7's code and the status lead back to ours.
    expect(callResultFromEnvelope('market7', 401, { status: 'error', error: { code: 'AUTHENTICATION_ERROR', message: 'who?' } })).toEqual({
      ok: false, error: { code: 'UNAUTHORIZED', message: 'who?' },
    });
    expect(MARKET7_ERROR_CODES.INSUFFICIENT_FUNDS).toBe('INSUFFICIENT_BALANCE');
  });
});
