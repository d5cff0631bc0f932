import { describe, expect, it, vi } from 'vitest';
import { PUSH_EVENTS } from '../shared/contract/events';
import { IPC_INVOKE_CHANNEL, pushEventChannel } from '../shared/contract/window-api';
import { createWindowApi, type IpcRendererLike } from './window-api';

function fakeIpcRenderer() {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc = {
    invoke: vi.fn(async () => ({ ok: true, data: { status: 'ok' }, message: 'fine' })),
    on: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    }),
    removeListener: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      listeners.get(channel)?.delete(listener);
    }),
    emit(channel: string, payload: unknown) {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'secret ipc internals' }, payload);
    },
    count: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
  return ipc satisfies IpcRendererLike;
}

describe('window.api (preload bridge)', () => {
  it('forwards contract names on the one invoke channel', async () => {
    const ipc = fakeIpcRenderer();
    const api = createWindowApi(ipc);
    await expect(api.invoke('system.health', {})).resolves.toMatchObject({ ok: true });
    expect(ipc.invoke).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL, 'system.health', {});
  });

  it('refuses other names without touching IPC', async () => {
    const ipc = fakeIpcRenderer();
    const api = createWindowApi(ipc) as unknown as { invoke(name: unknown, input: unknown): Promise<unknown> };
    for (const name of ['system.shutdown', 'constructor', 7, undefined]) {
      await expect(api.invoke(name, {})).resolves.toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('subscribes to allowed push events, passes only the payload, and unsubscribes', () => {
    const ipc = fakeIpcRenderer();
    const api = createWindowApi(ipc);
    const seen: unknown[] = [];
    const unsubscribe = api.on('domain-event', (payload) => seen.push(payload));
    const channel = pushEventChannel('domain-event');
    ipc.emit(channel, { code: 'MAX_DRAWDOWN' });
    expect(seen).toEqual([{ code: 'MAX_DRAWDOWN' }]);
    unsubscribe();
    unsubscribe(); // a second call is harmless
    expect(ipc.count(channel)).toBe(0);
    ipc.emit(channel, { code: 'AGAIN' });
    expect(seen).toHaveLength(1);
  });

  it('throws for events that are not on the allow-list', () => {
    const api = createWindowApi(fakeIpcRenderer()) as unknown as { on(event: unknown, cb: unknown): unknown };
    expect(() => api.on('echo:invoke', () => {})).toThrow(/Unknown event/);
    expect(() => api.on('notification', 'not a function')).toThrow(/callback/);
  });

  it('exposes exactly invoke and on', () => {
    expect(Object.keys(createWindowApi(fakeIpcRenderer())).sort()).toEqual(['invoke', 'on']);
    expect([...PUSH_EVENTS].sort()).toEqual(['domain-event', 'live-pulse', 'notification']);
  });
});
