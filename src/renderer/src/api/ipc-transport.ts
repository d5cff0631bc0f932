import type { ProcedureName } from '../../../shared/contract/index';
import type { Transport } from '../../../shared/contract/client';
import type { CallResult } from '../../../shared/contract/invoke';
import type { WindowApi } from '../../../shared/contract/window-api';

/** window.api, exposed by the Electron preload; absent in a browser. Checked at run time, not just typed. */
export function findDesktopBridge(): WindowApi | undefined {
  const candidate: unknown = (globalThis as { api?: unknown }).api;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { invoke, on } = candidate as Record<string, unknown>;
  return typeof invoke === 'function' && typeof on === 'function' ? (candidate as WindowApi) : undefined;
}

export function createIpcTransport(bridge: WindowApi): Transport {
  // The client hands over validated-by-type inputs; the generic signature cannot be expressed per call here.
  const invoke = bridge.invoke.bind(bridge) as (name: ProcedureName, input: unknown) => Promise<CallResult>;
  return async (name: ProcedureName, input: unknown): Promise<CallResult> => {
    try {
      return await invoke(name, input);
    } catch (error) {
      // Refusals arrive as { ok: false }; a rejection means the bridge itself broke.
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'UNAVAILABLE', message: `The desktop app did not answer: ${message}` } };
    }
  };
}
