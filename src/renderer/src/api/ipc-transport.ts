import type { ProcedureName } from '../../../shared/contract/index';
import type { Transport } from '../../../shared/contract/client';
import type { CallResult } from '../../../shared/contract/invoke';

/** What the Electron preload exposes. Declared locally (not on the global Window) so it cannot clash with preload's typing. */
export interface DesktopBridge {
  invoke(name: string, input: unknown): Promise<CallResult>;
  on(event: string, callback: (payload: unknown) => void): unknown;
}

export function findDesktopBridge(): DesktopBridge | undefined {
  const candidate = (globalThis as { api?: unknown }).api;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { invoke, on } = candidate as Partial<Record<keyof DesktopBridge, unknown>>;
  return typeof invoke === 'function' && typeof on === 'function' ? (candidate as DesktopBridge) : undefined;
}

export function createIpcTransport(bridge: DesktopBridge): Transport {
  return async (name: ProcedureName, input: unknown): Promise<CallResult> => {
    try {
      return await bridge.invoke(name, input);
    } catch (error) {
      // The main process answers refusals as CallResults; a rejection means the bridge itself broke.
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'UNAVAILABLE', message: `The desktop app did not answer: ${message}` } };
    }
  };
}
