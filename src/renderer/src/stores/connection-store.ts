import { create } from 'zustand';
import type { OutputOf } from '../../../shared/contract/index';
import { api, transportKind, type TransportKind } from '../api/client';

export type ApiState = 'connecting' | 'connected' | 'disconnected';

export const HEALTH_POLL_MS = 5_000;

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
  /** Starts the 5 s health poll; returns the function that stops it. */
  startPolling(): () => void;
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

  startPolling() {
    void get().checkHealth();
    const timer = setInterval(() => void get().checkHealth(), HEALTH_POLL_MS);
    return () => clearInterval(timer);
  },

  markSignedOut() {
    set({ signedIn: false });
  },
}));
