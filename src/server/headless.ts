import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppContext, type AppContextOptions } from './app-context';
import type { DomainEventStream } from '../core/ports/domain-events';
import { ApiTokenFile, LoginCodes } from './api-token';
import { resolveDataDir } from './data-dir';
import { createHttpServer } from './http/create-http-server';

/**
 * Headless mode: the engine, the local API and the browser UI, without Electron.
 * `npm run serve -- --port 8000 --data-dir DIR`
 */

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');

export interface HeadlessOptions {
  port: number;
  dataDir: string;
  uiDir?: string;
  /** Composition overrides for tests: a secret store, ccxt pointed at the local exchange emulator. */
  context?: Pick<AppContextOptions, 'secrets' | 'exchanges' | 'mt5'>;
}

export interface HeadlessInstance {
  url: string;
  port: number;
  tokenFile: string;
  /** The token at start; `apiToken.current()` after a rotation. */
  token: string;
  apiToken: ApiTokenFile;
  /** One-time link that signs a browser in. */
  signInUrl: () => string;
  /** The domain event stream (tests and benchmarks watch it beside the browser). */
  events: DomainEventStream;
  close(): Promise<void>;
}

export async function startHeadless(options: HeadlessOptions): Promise<HeadlessInstance> {
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const context = createAppContext({ environment: 'headless', ...options.context, dataDir: options.dataDir, version });
  const apiToken = new ApiTokenFile(options.dataDir);
  const loginCodes = new LoginCodes();
  const server = await createHttpServer({
    handlers: context.handlers,
    identity: context.identity,
    apiToken,
    logger: context.logger,
    version,
    uiDir: options.uiDir ?? join(projectRoot, 'out', 'renderer'),
    loginCodes,
    events: context.events,
    httpMetrics: context.metrics,
  });
  try {
    await server.listen({ host: '127.0.0.1', port: options.port });
  } catch (error) {
    context.close();
    throw error;
  }
  await context.start();
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    token: apiToken.current(),
    apiToken,
    tokenFile: apiToken.file,
    signInUrl: () => `${url}/?login=${loginCodes.issue()}`,
    events: context.events,
    async close() {
      await server.close();
      context.close();
    },
  };
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** The command line of headless mode (`npm run serve -- ...`). */
export async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log('Usage: npm run serve -- [--port 8000] [--data-dir DIR]   (ECHO_DATA_DIR also sets the data directory)');
    return;
  }
  const port = parsePort(values.port ?? process.env.ECHO_PORT, 8000);
  // npm runs scripts in the project folder (INIT_CWD is where the command was typed): a relative --data-dir means the latter.
  const dataDir = resolveDataDir(values['data-dir'], process.env, { cwd: process.env.INIT_CWD ?? process.cwd() });
  const instance = await startHeadless({ port, dataDir });
  console.log(`Echo Workstation (headless) is running at ${instance.url}/`);
  console.log(`  Open this one-time link to sign this browser in: ${instance.signInUrl()}`);
  console.log(`  API docs: ${instance.url}/docs    API token for scripts: npm run -s token${values['data-dir'] ? ' -- --data-dir DIR' : ''}`);
  console.log(`  Data directory: ${dataDir}    Stop with Ctrl+C`);
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Stopping (${signal})…`);
    void instance.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function runMain(): void {
  main().catch((error: unknown) => {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') console.error(`Port already in use: ${err.message}. Choose another with --port.`);
    else console.error(`Echo Workstation could not start: ${err.message}`);
    process.exit(1);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain();
