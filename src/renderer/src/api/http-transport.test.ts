import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpTransport, fromEnvelope } from './http-transport';

afterEach(() => vi.unstubAllGlobals());

function stubFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

describe('browser HTTP transport', () => {
  it('sends a procedure to its first documented route, path parameters in the path', async () => {
    const calls = stubFetch(200, { success: true, message: 'ok', data: { user_id: 'a b' } });
    const result = await createHttpTransport()('capital.getDashboard', { user_id: 'a b' });
    expect(calls[0]?.url).toBe('/api/capital/dashboard/a%20b');
    expect(calls[0]?.init.method).toBe('GET');
    expect(calls[0]?.init.credentials).toBe('same-origin');
    expect(result).toEqual({ ok: true, data: { user_id: 'a b' }, message: 'ok' });
  });

  it('sends the other fields as a JSON body', async () => {
    const calls = stubFetch(200, { success: true, message: 'm', data: {} });
    await createHttpTransport()('capital.allocateStrategy', { portfolio_id: 1, strategy_name: 'X', allocation_amount: 5 });
    expect(calls[0]?.url).toBe('/api/capital/strategy/allocate');
    expect(calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ portfolio_id: 1, strategy_name: 'X', allocation_amount: 5 });
  });

  it('maps a refusal envelope back to its code and message', async () => {
    stubFetch(409, { success: false, error: 'Cannot allocate', code: 'ALLOCATION_EXCEEDED' });
    const result = await createHttpTransport()('capital.allocateStrategy', { strategy_name: 'X', allocation_amount: 5 });
    expect(result).toEqual({ ok: false, error: { code: 'ALLOCATION_EXCEEDED', message: 'Cannot allocate' } });
  });

  it('reports an unreachable server as UNAVAILABLE', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const result = await createHttpTransport()('system.health', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('UNAVAILABLE');
  });

  it('derives a code from the status when the body is not an envelope', () => {
    expect(fromEnvelope(401, '<html>')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(fromEnvelope(502, undefined)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
