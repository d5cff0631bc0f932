/**
 * Turns the desktop app's local HTTP API on and off as the settings change. The server itself is injected
 * (see local-api.ts), so the state machine is tested without sockets.
 */

export type ApiServerState =
  | { status: 'off' }
  | { status: 'starting'; port: number }
  | { status: 'on'; port: number; url: string }
  | { status: 'failed'; port: number; message: string };

export interface RunningApiServer {
  /** The bound port (differs from the requested one when 0 was asked for). */
  port: number;
  close(): Promise<void>;
}

export interface ApiServerConfig {
  enabled: boolean;
  port: number;
}

export interface ApiServerController<S extends RunningApiServer = RunningApiServer> {
  state(): ApiServerState;
  /** The running server, when there is one. */
  current(): S | undefined;
  /** Brings the server in line with the config. Never rejects: a failure becomes the 'failed' state. */
  apply(config: ApiServerConfig): Promise<ApiServerState>;
  onChange(listener: (state: ApiServerState) => void): () => void;
}

export function describeStartFailure(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `port ${port} is already in use by another program; choose another port`;
  if (code === 'EACCES') return `port ${port} may not be used by this user; choose a port of 1024 or higher`;
  return error instanceof Error ? error.message : String(error);
}

export function createApiServerController<S extends RunningApiServer>(
  start: (port: number) => Promise<S>,
  onError: (error: unknown) => void = () => {},
): ApiServerController<S> {
  let state: ApiServerState = { status: 'off' };
  let running: { server: S; requestedPort: number } | undefined;
  const listeners = new Set<(state: ApiServerState) => void>();
  // Applies run one after another, so a quick off/on/off from the menu cannot interleave starts and stops.
  let queue: Promise<unknown> = Promise.resolve();

  const setState = (next: ApiServerState) => {
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (error) {
        onError(error);
      }
    }
  };

  const stopRunning = async () => {
    if (!running) return;
    const { server } = running;
    running = undefined;
    try {
      await server.close();
    } catch (error) {
      onError(error);
    }
  };

  const applyNow = async (config: ApiServerConfig): Promise<ApiServerState> => {
    if (running && config.enabled && running.requestedPort === config.port) return state;
    await stopRunning();
    if (!config.enabled) {
      setState({ status: 'off' });
      return state;
    }
    setState({ status: 'starting', port: config.port });
    try {
      const server = await start(config.port);
      running = { server, requestedPort: config.port };
      setState({ status: 'on', port: server.port, url: `http://127.0.0.1:${server.port}` });
    } catch (error) {
      onError(error);
      setState({ status: 'failed', port: config.port, message: describeStartFailure(error, config.port) });
    }
    return state;
  };

  return {
    state: () => state,
    current: () => running?.server,
    apply(config) {
      const next = queue.then(() => applyNow(config));
      queue = next.catch(() => undefined);
      return next;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
