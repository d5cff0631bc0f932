import type { DomainEvent } from '../domain/domain-events';
import type { LivePulse } from '../../shared/contract/events';
import type {
  DomainEventJournal,
  DomainEventListener,
  DomainEventPublisher,
  DomainEventStream,
  LivePulsePublisher,
  PublishedEvent,
} from '../ports/domain-events';

/** At most one pulse per subject (a symbol's market, a job) in this window; the last one of a burst is always sent. */
export const PULSE_INTERVAL_MS = 250;

export interface DomainEventBusOptions {
  journal: DomainEventJournal;
  /** A subscriber that throws is reported here and never stops the others. */
  onListenerError?: (error: unknown, event: DomainEvent) => void;
}

/**
 * The in-process event bus: publishers (kernel, task actors, services, broker watchers) hand it events; the journal
 * stores each one first (its row id is the sequence number), then every subscriber sees it, in publish order.
 * Synchronous on purpose: a fill reaches the IPC push and the WebSocket in the same tick it was committed.
 */
export class DomainEventBus implements DomainEventPublisher, DomainEventStream, LivePulsePublisher {
  private readonly listeners = new Set<DomainEventListener>();
  private readonly pulseListeners = new Set<(pulse: LivePulse) => void>();
  /** Per subject: when its last pulse went out, and the newest one held back until the window ends. */
  private readonly pulses = new Map<string, { sentAt: number; held?: LivePulse; timer?: ReturnType<typeof setTimeout> }>();

  constructor(private readonly options: DomainEventBusOptions) {}

  publish(events: readonly PublishedEvent[]): void {
    for (const published of events) {
      const event = stored(published, this.options.journal);
      for (const listener of [...this.listeners]) {
        try {
          listener(event);
        } catch (error) {
          this.options.onListenerError?.(error, event);
        }
      }
    }
  }

  subscribe(listener: DomainEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pulse(pulse: LivePulse): void {
    if (this.pulseListeners.size === 0) return;
    const subject = pulse.kind === 'market' ? `market:${pulse.symbol}` : `job:${pulse.job}:${pulse.id}`;
    const now = Date.now();
    const state = this.pulses.get(subject);
    if (!state || now - state.sentAt >= PULSE_INTERVAL_MS) {
      if (state?.timer) clearTimeout(state.timer);
      this.pulses.set(subject, { sentAt: now });
      this.sendPulse(pulse);
      return;
    }
    state.held = pulse;
    state.timer ??= setTimeout(() => {
      const held = state.held;
      this.pulses.set(subject, { sentAt: Date.now() });
      if (held) this.sendPulse(held);
    }, PULSE_INTERVAL_MS - (now - state.sentAt));
  }

  onPulse(listener: (pulse: LivePulse) => void): () => void {
    this.pulseListeners.add(listener);
    return () => this.pulseListeners.delete(listener);
  }

  private sendPulse(pulse: LivePulse): void {
    for (const listener of [...this.pulseListeners]) {
      try {
        listener(pulse);
      } catch {
        /* a pulse is advisory: a failing listener misses one */
      }
    }
  }

  replay(afterId: number, limit: number): { events: DomainEvent[]; complete: boolean; lastId: number } {
    const lastId = this.options.journal.lastId();
    if (afterId >= lastId) return { events: [], complete: true, lastId };
    const events = this.options.journal.after(afterId, limit + 1);
    if (events.length > limit) return { events: [], complete: false, lastId };
    return { events, complete: true, lastId };
  }

  lastId(): number {
    return this.options.journal.lastId();
  }
}

function stored(event: PublishedEvent, journal: DomainEventJournal): DomainEvent {
  const { id, time, ...draft } = event;
  if (id !== undefined && time !== undefined) return { ...draft, id, time } as DomainEvent;
  const row = journal.record(draft as DomainEvent);
  return { ...draft, id: row.id, time: row.time } as DomainEvent;
}
