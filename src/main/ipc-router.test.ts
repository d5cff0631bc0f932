import { describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../shared/contract/index';
import { createIpcInvokeHandler, IPC_CHANNEL, registerIpcRouter, type IpcInvokeEventLike } from './ipc-router';

const APP_URL = 'app://echo/index.html';
const trusted: IpcInvokeEventLike = { senderFrame: { url: APP_URL } };

const portfolio = {
  portfolio_id: 1,
  user_id: 'default',
  currency: 'USD',
  total_capital: 5000,
  allocated_capital: 0,
  available_capital: 5000,
  utilization_percentage: 0,
  strategies_count: 0,
  created_at: '2025-01-01T00:00:00.000Z',
};

function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const notUsed = () => {
    throw new Error('not used in this test');
  };
  return new Proxy(overrides as Handlers, {
    get: (target, key: string) => (target as Record<string, unknown>)[key] ?? notUsed,
  });
}

function router(handlers: Handlers, onUnexpected = vi.fn()) {
  const handler = createIpcInvokeHandler(handlers, { isTrustedSender: (url) => url.startsWith('app://echo/'), onUnexpected });
  return { handler, onUnexpected };
}

describe('IPC router', () => {
  it('answers a trusted sender with the validated output and the success message', async () => {
    const createPortfolio = vi.fn(() => portfolio);
    const { handler } = router(fakeHandlers({ 'capital.createPortfolio': createPortfolio }));
    const result = await handler(trusted, 'capital.createPortfolio', { total_capital: 5000 });
    expect(result).toEqual({ ok: true, data: portfolio, message: expect.stringContaining('Portfolio 1 created') });
    // The handler receives the parsed input with the contract's defaults applied, and the desktop owner as the caller.
    expect(createPortfolio).toHaveBeenCalledWith({ user_id: 'default', total_capital: 5000, currency: 'USD' }, { principal: { kind: 'owner', role: 'admin' } });
  });

  it('refuses an untrusted or vanished sender frame without running anything', async () => {
    const createPortfolio = vi.fn(() => portfolio);
    const { handler } = router(fakeHandlers({ 'capital.createPortfolio': createPortfolio }));
    for (const event of [
      { senderFrame: { url: 'https://evil.example/' } },
      { senderFrame: { url: 'file:///etc/passwd' } },
      { senderFrame: null },
    ]) {
      const result = await handler(event, 'capital.createPortfolio', { total_capital: 5000 });
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(createPortfolio).not.toHaveBeenCalled();
  });

  it('refuses names that are not in the contract', async () => {
    const { handler } = router(fakeHandlers());
    for (const name of ['capital.dropEverything', 'toString', '__proto__', 42, null, undefined, { name: 'x' }, 'x'.repeat(5000)]) {
      const result = await handler(trusted, name, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      if (!result.ok) expect(result.error.message.length).toBeLessThan(200);
    }
  });

  it('rejects invalid input with VALIDATION_FAILED and per-field details', async () => {
    const createPortfolio = vi.fn(() => portfolio);
    const { handler } = router(fakeHandlers({ 'capital.createPortfolio': createPortfolio }));
    const result = await handler(trusted, 'capital.createPortfolio', { total_capital: -5, surprise: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION_FAILED');
    expect(result.error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['total_capital']));
    expect(result.error.message).toMatch(/total_capital/);
    expect(createPortfolio).not.toHaveBeenCalled();
  });

  it('turns a throwing handler into INTERNAL without leaking its message, and reports it', async () => {
    const secret = 'database at /home/trader/.secret is locked';
    const { handler, onUnexpected } = router(
      fakeHandlers({
        'capital.createPortfolio': () => {
          throw new Error(secret);
        },
      }),
    );
    const result = await handler(trusted, 'capital.createPortfolio', { total_capital: 5000 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(onUnexpected).toHaveBeenCalledWith(expect.objectContaining({ message: secret }), 'capital.createPortfolio');
  });

  it('turns output that breaks the contract into INTERNAL', async () => {
    const { handler, onUnexpected } = router(fakeHandlers({ 'capital.createPortfolio': () => ({ ...portfolio, portfolio_id: 'one' }) as never }));
    const result = await handler(trusted, 'capital.createPortfolio', { total_capital: 5000 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(onUnexpected).toHaveBeenCalledOnce();
  });

  it('still resolves when the error reporter itself throws', async () => {
    const handler = createIpcInvokeHandler(
      fakeHandlers({
        'capital.createPortfolio': () => {
          throw new Error('boom');
        },
      }),
      {
        isTrustedSender: () => true,
        onUnexpected: () => {
          throw new Error('logger is down');
        },
      },
    );
    await expect(handler(trusted, 'capital.createPortfolio', { total_capital: 5000 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it('resolves (never throws) even when the trust check throws', async () => {
    const handler = createIpcInvokeHandler(fakeHandlers(), {
      isTrustedSender: () => {
        throw new Error('bad url');
      },
    });
    await expect(handler(trusted, 'system.health', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('registers exactly one channel that forwards to the handler', async () => {
    const handle = vi.fn();
    const handler = vi.fn(async () => ({ ok: true as const, data: 1, message: '' }));
    registerIpcRouter({ handle }, handler);
    expect(handle).toHaveBeenCalledOnce();
    expect(handle.mock.calls[0]?.[0]).toBe(IPC_CHANNEL);
    expect(IPC_CHANNEL).toBe('echo:invoke');
    const listener = handle.mock.calls[0]?.[1] as (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;
    await listener(trusted, 'system.health', { a: 1 });
    expect(handler).toHaveBeenCalledWith(trusted, 'system.health', { a: 1 });
  });
});
