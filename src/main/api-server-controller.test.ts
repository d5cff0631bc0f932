import { describe, expect, it, vi } from 'vitest';
import { createApiServerController, describeStartFailure, type ApiServerState } from './api-server-controller';

function fakeStarter() {
  const open = new Set<number>();
  const start = vi.fn(async (port: number) => {
    if (port === 8000 && open.has(8000)) throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const bound = port === 0 ? 40000 + open.size : port;
    open.add(bound);
    return { port: bound, close: vi.fn(async () => void open.delete(bound)) };
  });
  return { start, open };
}

describe('local API server controller', () => {
  it('starts, keeps, moves and stops the server as the config changes', async () => {
    const { start, open } = fakeStarter();
    const controller = createApiServerController(start);
    const seen: ApiServerState['status'][] = [];
    controller.onChange((state) => seen.push(state.status));

    expect(controller.state()).toEqual({ status: 'off' });
    expect(await controller.apply({ enabled: false, port: 8000 })).toEqual({ status: 'off' });
    expect(start).not.toHaveBeenCalled();

    expect(await controller.apply({ enabled: true, port: 8000 })).toEqual({ status: 'on', port: 8000, url: 'http://127.0.0.1:8000' });
    await controller.apply({ enabled: true, port: 8000 });
    expect(start).toHaveBeenCalledTimes(1); // unchanged config: no restart

    expect(await controller.apply({ enabled: true, port: 9000 })).toMatchObject({ status: 'on', port: 9000 });
    expect([...open]).toEqual([9000]);
    expect(controller.current()?.port).toBe(9000);

    expect(await controller.apply({ enabled: false, port: 9000 })).toEqual({ status: 'off' });
    expect(open.size).toBe(0);
    expect(controller.current()).toBeUndefined();
    expect(seen).toEqual(['starting', 'on', 'starting', 'on', 'off']);
  });

  it('reports the bound port when port 0 is asked for', async () => {
    const controller = createApiServerController(fakeStarter().start);
    expect(await controller.apply({ enabled: true, port: 0 })).toMatchObject({ status: 'on', port: 40000 });
  });

  it('turns a start failure into a readable failed state instead of rejecting', async () => {
    const onError = vi.fn();
    const controller = createApiServerController(async () => {
      throw Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8000'), { code: 'EADDRINUSE' });
    }, onError);
    expect(await controller.apply({ enabled: true, port: 8000 })).toEqual({
      status: 'failed',
      port: 8000,
      message: 'port 8000 is already in use by another program; choose another port',
    });
    expect(onError).toHaveBeenCalledOnce();
  });

  it('runs overlapping applies one after another', async () => {
    const { start, open } = fakeStarter();
    const controller = createApiServerController(start);
    const results = await Promise.all([
      controller.apply({ enabled: true, port: 8000 }),
      controller.apply({ enabled: false, port: 8000 }),
      controller.apply({ enabled: true, port: 8001 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['on', 'off', 'on']);
    expect([...open]).toEqual([8001]);
  });

  it('describes common listen errors', () => {
    expect(describeStartFailure(Object.assign(new Error('x'), { code: 'EACCES' }), 80)).toMatch(/1024 or higher/);
    expect(describeStartFailure(new Error('something else'), 1)).toBe('something else');
  });
});
