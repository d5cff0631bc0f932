import { create } from 'zustand';
import type { OutputOf } from '../../../shared/contract/index';
import { api, transportKind } from '../api/client';
import { stackToasts, toastsFromEvents, type Toast } from '../lib/event-toasts';
import { useTradingStore } from './trading-store';

/**
 * In-app notifications for fills, take-profits and risk breaches: polls `trading.events` after the last id seen
 * (history from before the window opened is not replayed as toasts). In a browser, a Web Notification is shown
 * too once the trader allowed it; in Electron the main process raises native notifications itself.
 */

type EngineEvent = OutputOf<'trading.events'>['events'][number];

export const EVENTS_POLL_MS = 1_500;

export type WebPermission = NotificationPermission | 'unsupported' | 'desktop';

interface NotificationState {
  toasts: Toast[];
  lastId: number | null;
  permission: WebPermission;
  dismiss(id: string): void;
  /** Asks for Web Notification permission; call only from a click (browsers ignore it otherwise). */
  requestPermission(): Promise<void>;
  poll(): Promise<void>;
  startPolling(): () => void;
}

function initialPermission(): WebPermission {
  if (transportKind === 'ipc') return 'desktop';
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

const timers = new Map<string, ReturnType<typeof setTimeout>>();
let busy = false;

export const useNotificationStore = create<NotificationState>()((set, get) => {
  /** Folds newcomers into the toasts shown (same kind and symbol), keeps the few most useful, (re)arms their timers. */
  function push(incoming: Toast[]) {
    if (incoming.length === 0) return;
    const { toasts, merged, dropped } = stackToasts(get().toasts, incoming);
    dropped.forEach((t) => {
      clearTimeout(timers.get(t.id));
      timers.delete(t.id);
    });
    set({ toasts });
    const shown = new Set(toasts.map((t) => t.id));
    for (const t of [...merged, ...incoming.filter((i) => shown.has(i.id))]) {
      // Breaches stay until dismissed: a trader must see them. A folded toast starts its time again.
      clearTimeout(timers.get(t.id));
      if (t.severity !== 'critical') timers.set(t.id, setTimeout(() => get().dismiss(t.id), t.kind === 'fill' ? 4_000 : 7_000));
    }
    for (const t of incoming) {
      if (get().permission === 'granted') {
        try {
          new Notification(t.title, { body: t.body, tag: t.id });
        } catch {
          /* some browsers allow Notification only from a service worker: the toast is enough */
        }
      }
    }
  }

  return {
    toasts: [],
    lastId: null,
    permission: initialPermission(),

    dismiss(id) {
      clearTimeout(timers.get(id));
      timers.delete(id);
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },

    async requestPermission() {
      if (typeof Notification === 'undefined' || transportKind === 'ipc') return;
      const permission = await Notification.requestPermission();
      set({ permission });
    },

    async poll() {
      if (busy) return;
      busy = true;
      try {
        const lastId = get().lastId;
        if (lastId === null) {
          // First look: remember where the journal is, without toasting the past.
          const { events } = await api.trading.events({ limit: 1 });
          set({ lastId: events[0]?.id ?? 0 });
          return;
        }
        const { events } = await api.trading.events({ after_id: lastId, limit: 200 });
        if (events.length === 0) return;
        const ordered: EngineEvent[] = [...events].sort((a, b) => a.id - b.id);
        set({ lastId: (ordered[ordered.length - 1] as EngineEvent).id });
        const trading = useTradingStore.getState();
        push(toastsFromEvents(ordered, { symbolOf: (taskId) => trading.tasks.find((t) => t.task_id === taskId)?.pair, feedBarsPerSecond: trading.feedSpeed }));
      } catch {
        /* the status bar already shows a lost connection */
      } finally {
        busy = false;
      }
    },

    startPolling() {
      void get().poll();
      const timer = setInterval(() => void get().poll(), EVENTS_POLL_MS);
      return () => clearInterval(timer);
    },
  };
});
