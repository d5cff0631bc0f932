import { isPushEventName, PUSH_EVENTS } from '../shared/contract/events';
import { isProcedureName } from '../shared/contract/index';
import type { CallResult } from '../shared/contract/invoke';
import { IPC_INVOKE_CHANNEL, pushEventChannel, type WindowApi } from '../shared/contract/window-api';

/**
 * Builds window.api from an ipcRenderer-like object. Kept apart from index.ts (which touches Electron)
 * so the bridge's refusals are tested in plain Node.
 */

type IpcListener = (event: unknown, ...args: unknown[]) => void;

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export function createWindowApi(ipcRenderer: IpcRendererLike): WindowApi {
  function invoke(name: unknown, input: unknown): Promise<CallResult> {
    // Checked here too (main checks again): a typo fails fast in the renderer, and nothing but contract
    // names ever reaches the IPC channel.
    if (!isProcedureName(name)) {
      const shown = typeof name === 'string' ? `"${name.slice(0, 80)}"` : `a ${typeof name} value`;
      return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `Unknown operation ${shown}` } });
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input) as Promise<CallResult>;
  }

  function on(event: unknown, callback: unknown): () => void {
    if (!isPushEventName(event)) {
      throw new TypeError(`Unknown event "${String(event)}"; the app pushes only: ${PUSH_EVENTS.join(', ')}`);
    }
    if (typeof callback !== 'function') throw new TypeError(`window.api.on("${event}", callback): callback must be a function`);
    const channel = pushEventChannel(event);
    // The IPC event object (with its `sender`) stays on this side of the bridge; the page gets the payload only.
    const listener: IpcListener = (_ipcEvent, payload) => (callback as (payload: unknown) => void)(payload);
    ipcRenderer.on(channel, listener);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(channel, listener);
    };
  }

  return { invoke, on } as WindowApi;
}
