import type { Logger } from 'pino';
import type { Handlers } from '../shared/contract/index';
import type { DomainEventStream } from '../core/ports/domain-events';
import type { IdentityService } from '../core/identity/identity-service';
import type { HttpRequestRecorder } from '../core/ports/metrics';
import { ApiTokenFile, LoginCodes } from '../server/api-token';
import { createHttpServer } from '../server/http/create-http-server';
import type { RunningApiServer } from './api-server-controller';

export interface LocalApiOptions {
  handlers: Handlers;
  dataDir: string;
  logger: Logger;
  version: string;
  port: number;
  /** The built renderer, so a browser on this machine can use the same UI; omitted → API only. */
  uiDir?: string;
  /** The domain event stream, served to that browser UI as a WebSocket. */
  events?: DomainEventStream;
  /** Users and API keys other than the owner's token. */
  identity?: IdentityService;
  /** Prometheus: each answered request, by route pattern and status (/api/metrics). */
  httpMetrics?: HttpRequestRecorder;
}

/**
 * The same local API server headless mode runs (token, loopback-only guards, documented routes), bound to
 * 127.0.0.1 only. The token is created on first use in <data-dir>/api-token, owner-only.
 */
export interface LocalApiServer extends RunningApiServer {
  url: string;
  tokenFile: string;
  /** A one-time link that signs a browser in to the UI and the API docs. */
  signInUrl(): string;
}

export async function startLocalApiServer(options: LocalApiOptions): Promise<LocalApiServer> {
  // Read on every request: a rotation (the app's Rotate button, `npm run token -- --rotate`) takes effect at once.
  const apiToken = new ApiTokenFile(options.dataDir);
  const tokenFile = apiToken.file;
  const loginCodes = new LoginCodes();
  const server = await createHttpServer({
    handlers: options.handlers,
    apiToken,
    logger: options.logger,
    version: options.version,
    loginCodes,
    ...(options.uiDir ? { uiDir: options.uiDir } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.httpMetrics ? { httpMetrics: options.httpMetrics } : {}),
  });
  try {
    await server.listen({ host: '127.0.0.1', port: options.port });
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger.info({ port }, 'local API server listening on 127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    tokenFile,
    signInUrl: () => `${url}/?login=${loginCodes.issue()}`,
    close: async () => {
      await server.close();
      options.logger.info({ port }, 'local API server stopped');
    },
  };
}
