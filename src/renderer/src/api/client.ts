import { createApiClient, type ApiClient, type Transport } from '../../../shared/contract/client';
import { createHttpTransport } from './http-transport';
import { createIpcTransport, findDesktopBridge } from './ipc-transport';

export type TransportKind = 'ipc' | 'http';

export const TRANSPORT_LABEL: Record<TransportKind, string> = { ipc: 'Desktop IPC', http: 'Browser HTTP' };

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called when the server says this browser is not signed in (its session cookie is missing or stale). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function watchForUnauthorized(transport: Transport): Transport {
  return async (name, input) => {
    const result = await transport(name, input);
    if (!result.ok && result.error.code === 'UNAUTHORIZED') unauthorizedListeners.forEach((listener) => listener());
    return result;
  };
}

function pickTransport(): { kind: TransportKind; transport: Transport } {
  const bridge = findDesktopBridge();
  if (bridge) return { kind: 'ipc', transport: createIpcTransport(bridge) };
  return { kind: 'http', transport: createHttpTransport() };
}

const picked = pickTransport();

/** How this window talks to the engine, chosen once at start. */
export const transportKind: TransportKind = picked.kind;

/** The typed client: `api.capital.getDashboard({ user_id })`. Refusals throw DomainError. */
export const api: ApiClient = createApiClient(watchForUnauthorized(picked.transport));
