import { create } from 'zustand';
import type { DomainEventMessage } from '../../../shared/contract/events';
import { transportKind } from '../api/client';
import { onDomainEvent } from '../api/event-stream';
import { stackToasts, toastsFromEvents, type Toast } from '../lib/event-toasts';
import { useTradingStore } from './trading-store';

/**
 * In-app notifications for fills, take-profits and risk breaches, from the domain event stream as the events
 * happen (history from before the window opened is not replayed as toasts). In a browser, a Web Notification is
 * shown too once the trader allowed it; in Electron the main process raises native notifications itself.
 */

/** Events arriving this close together are turned into toasts together (a grid filling many orders in one bar). */
const BURST_MS = 30;

export type WebPermission = NotificationPermission | 'unsupported' | 'desktop';

interface NotificationState {
  toasts: Toast[];
  permission: WebPermission;
  dismiss(id: string): void;
  /** Asks for Web Notification permission; call only from a click (browsers ignore it otherwise). */
  requestPermission(): Promise<void>;
  /** Toasts new events from the stream; returns the function that stops. */
  listen(): () => void;
}

function initialPermission(): WebPermission {
  if (transportKind === 'ipc') return 'desktop';
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

const timers = new Map<string, ReturnType<typeof setTimeout>>();

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

    listen() {
      let burst: DomainEventMessage[] = [];
      let flush: ReturnType<typeof setTimeout> | undefined;
      const unsubscribe = onDomainEvent((event) => {
        burst.push(event);
        flush ??= setTimeout(() => {
          const events = burst;
          burst = [];
          flush = undefined;
          const trading = useTradingStore.getState();
          push(toastsFromEvents(events, { symbolOf: (taskId) => trading.tasks.find((t) => t.task_id === taskId)?.pair, feedBarsPerSecond: trading.feedSpeed }));
        }, BURST_MS);
      });
      return () => {
        unsubscribe();
        clearTimeout(flush);
      };
    },
  };
});
