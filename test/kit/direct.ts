import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createAppContext, type AppContext } from '../../src/server/app-context';
import { createApiClient, type ApiClient } from '../../src/shared/contract/client';
import { invokeProcedure } from '../../src/shared/contract/invoke';

export interface DirectApi {
  context: AppContext;
  api: ApiClient;
  /** The raw CallResult of one call, for asserting refusals. */
  call(name: string, input: unknown): ReturnType<typeof invokeProcedure>;
  close(): void;
}

/** The engine with a real SQLite file in a temp dir, called directly through the contract (no transport). */
export function createDirectApi(): DirectApi {
  const dataDir = mkdtempSync(join(tmpdir(), 'echo-direct-'));
  const context = createAppContext({ dataDir, version: 'test', logger: pino({ level: 'silent' }) });
  const call = (name: string, input: unknown) => invokeProcedure(context.handlers, name, input, (e) => { throw e; });
  return {
    context,
    api: createApiClient((name, input) => call(name, input)),
    call,
    close() {
      context.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
