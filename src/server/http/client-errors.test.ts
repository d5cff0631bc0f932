import { describe, expect, it } from 'vitest';
import { describeClientError } from './client-errors';

const parserError = (code: string, raw?: string) => Object.assign(new Error(code), { code, ...(raw !== undefined ? { rawPacket: Buffer.from(raw, 'latin1') } : {}) });

describe('what the HTTP parser refused', () => {
  it('tells an over-long URL (no line end yet) from over-large headers, and reads the path for the envelope', () => {
    expect(describeClientError(parserError('HPE_HEADER_OVERFLOW', `GET /api/v1/x?q=${'a'.repeat(20_000)}`))).toMatchObject({
      code: 'URI_TOO_LONG',
      path: expect.stringMatching(/^\/api\/v1\/x\?q=a+$/),
    });
    expect(describeClientError(parserError('HPE_HEADER_OVERFLOW', `POST /api/backtest/ HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}`))).toMatchObject({
      code: 'HEADERS_TOO_LARGE',
      path: '/api/backtest/',
    });
    // A later piece of the request: the path is unknown, the refusal is still a 431 in the default envelope.
    expect(describeClientError(parserError('HPE_HEADER_OVERFLOW', 'a'.repeat(16_000)))).toMatchObject({ code: 'HEADERS_TOO_LARGE', path: undefined });
  });

  it('answers timeouts and malformed requests with their own codes', () => {
    expect(describeClientError(parserError('ERR_HTTP_REQUEST_TIMEOUT'))).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(describeClientError(parserError('HPE_INVALID_METHOD', 'FOO / HTTP/1.1\r\n'))).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('HPE_INVALID_METHOD') });
  });
});
