import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeadless, type HeadlessInstance, type HeadlessOptions } from '../../src/server/headless';

export interface TestServer extends HeadlessInstance {
  dataDir: string;
  /** fetch against the server with the API token and JSON body handling. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** A real headless server on an ephemeral loopback port with a fresh data directory (real SQLite file). */
export async function startTestServer(options: { dataDir?: string; uiDir?: string; context?: HeadlessOptions['context'] } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'echo-test-'));
  const instance = await startHeadless({ port: 0, dataDir, ...(options.uiDir ? { uiDir: options.uiDir } : {}), ...(options.context ? { context: options.context } : {}) });
  return {
    ...instance,
    dataDir,
    async call(method, path, body, headers = {}) {
      const response = await fetch(`${instance.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${instance.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, body: parsed };
    },
    async stop() {
      await instance.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
