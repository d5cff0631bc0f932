import type { DomainEvent } from '../domain/domain-events';
import type {
  DomainEventJournal,
  DomainEventListener,
  DomainEventPublisher,
  DomainEventStream,
  PublishedEvent,
} from '../ports/domain-events';

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
export class DomainEventBus implements DomainEventPublisher, DomainEventStream {
  private readonly listeners = new Set<DomainEventListener>();

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
