import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../server/app-context';
import { createApiServerController } from './api-server-controller';
import { startLocalApiServer, type LocalApiServer } from './local-api';

const dataDir = mkdtempSync(join(tmpdir(), 'echo-local-api-'));
const context = createAppContext({ dataDir, version: '0.0.0-test', logger: pino({ level: 'silent' }) });

afterAll(() => {
  context.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the desktop app’s local API server', () => {
  it('serves the documented API on 127.0.0.1 behind the token when turned on, and stops when turned off', async () => {
    const controller = createApiServerController<LocalApiServer>((port) =>
      startLocalApiServer({ handlers: context.handlers, dataDir, logger: context.logger, version: context.version, port }),
    );
    const state = await controller.apply({ enabled: true, port: 0 });
    expect(state.status).toBe('on');
    if (state.status !== 'on') return;
    const server = controller.current()!;
    expect(server.url).toBe(`http://127.0.0.1:${state.port}`);
    expect(server.signInUrl()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${state.port}/\\?login=[\\w-]{20,}$`));
    if (process.platform !== 'win32') expect(statSync(server.tokenFile).mode & 0o077).toBe(0);

    const health = await fetch(`${state.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ success: true, data: { status: 'ok', version: '0.0.0-test' } });
    expect((await fetch(`${state.url}/api/capital/portfolios`)).status).toBe(401);

    await controller.apply({ enabled: false, port: 0 });
    await expect(fetch(`${state.url}/health`)).rejects.toThrow();
  });

  it('fails cleanly when the port is taken', async () => {
    const first = await startLocalApiServer({ handlers: context.handlers, dataDir, logger: context.logger, version: '1', port: 0 });
    try {
      const controller = createApiServerController((port) =>
        startLocalApiServer({ handlers: context.handlers, dataDir, logger: context.logger, version: '1', port }),
      );
      expect(await controller.apply({ enabled: true, port: first.port })).toMatchObject({ status: 'failed', message: expect.stringMatching(/already in use/) });
    } finally {
      await first.close();
    }
  });
});
