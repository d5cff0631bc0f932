import { create } from 'zustand';
import type { OutputOf } from '../../../shared/contract/index';
import { api, transportKind, type TransportKind } from '../api/client';
import { onStreamState, startEventStream, streamState } from '../api/event-stream';

export type ApiState = 'connecting' | 'connected' | 'disconnected';

interface ConnectionState {
  transport: TransportKind;
  apiState: ApiState;
  /** Round trip of the last health check. */
  latencyMs: number | null;
  health: OutputOf<'system.health'> | null;
  lastError: string | null;
  /** False once the server answered 401: this browser's session cookie is missing or stale. */
  signedIn: boolean;
  checkHealth(): Promise<void>;
  /**
   * Follows the event stream: its state is the connection state (no health poll). One health check at start and
   * after each reconnect fills in the version and the round trip. Returns the function that stops following.
   */
  watchConnection(): () => void;
  markSignedOut(): void;
}

export const useConnectionStore = create<ConnectionState>()((set, get) => ({
  transport: transportKind,
  apiState: 'connecting',
  latencyMs: null,
  health: null,
  lastError: null,
  signedIn: true,

  async checkHealth() {
    const started = performance.now();
    try {
      const health = await api.system.health({});
      set({ apiState: 'connected', health, latencyMs: Math.round(performance.now() - started), lastError: null });
    } catch (error) {
      set({ apiState: 'disconnected', latencyMs: null, lastError: error instanceof Error ? error.message : String(error) });
    }
  },

  watchConnection() {
    startEventStream();
    void get().checkHealth();
    const follow = (state: ApiState) => {
      const was = get().apiState;
      if (state === 'connected') {
        set({ apiState: 'connected', lastError: null });
        if (was === 'disconnected') void get().checkHealth();
      } else if (state === 'disconnected') {
        set({ apiState: 'disconnected', latencyMs: null, lastError: 'The event stream to the Echo server is down; reconnecting…' });
      }
    };
    follow(streamState());
    return onStreamState(follow);
  },

  markSignedOut() {
    set({ signedIn: false });
  },
}));
