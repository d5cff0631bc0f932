import type { PushEventName, PushEventPayload } from './events';
import type { InputOf, OutputOf, ProcedureName } from './index';
import type { CallResult } from './invoke';

/**
 * `window.api`: what the Electron preload exposes to the renderer. In a browser (headless mode) it is absent
 * and the renderer talks HTTP + WebSocket instead, so the renderer must check for it.
 */
export interface WindowApi {
  /** Calls one contract procedure. Never rejects for a refusal: it resolves to `{ ok: false, error }`. */
  invoke<N extends ProcedureName>(name: N, input: InputOf<N>): Promise<CallResult<OutputOf<N>>>;
  /** Subscribes to a push event; returns the function that unsubscribes. Unknown event names throw. */
  on<E extends PushEventName>(event: E, callback: (payload: PushEventPayload<E>) => void): () => void;
}

/** The one IPC channel every procedure call travels on (renderer → main). */
export const IPC_INVOKE_CHANNEL = 'echo:invoke';

/** Push events travel main → renderer, one channel per event name so a listener only sees its own event. */
export function pushEventChannel(event: PushEventName): `echo:event:${PushEventName}` {
  return `echo:event:${event}`;
}

declare global {
  interface Window {
    /** Present inside the Electron app only (see WindowApi). */
    readonly api?: WindowApi;
  }
}
