import type { LivePulse } from '../../shared/contract/events';
import type { DomainEvent, DomainEventDraft } from '../domain/domain-events';

/** Where domain events are stored; the row id is the event's sequence number. */
export interface DomainEventJournal {
  /** Stores one event and returns its sequence number and time. */
  record(draft: DomainEventDraft): { id: number; time: string };
  /** Stored events with an id above `afterId`, oldest first, at most `limit`. */
  after(afterId: number, limit: number): DomainEvent[];
  /** The newest sequence number stored (0 when none). */
  lastId(): number;
}

/** An event some publishers already stored (inside their own transaction): it carries its id and time. */
export type PublishedEvent = DomainEventDraft & { id?: number; time?: string };

export interface DomainEventPublisher {
  /** Stores what is not stored yet, then hands every event to every subscriber, in order. */
  publish(events: readonly PublishedEvent[]): void;
}

/** Pulses (see LivePulse): what moved, for screens to refetch; never stored, coalesced per subject. */
export interface LivePulsePublisher {
  pulse(pulse: LivePulse): void;
}

export type DomainEventListener = (event: DomainEvent) => void;

export interface DomainEventStream {
  subscribe(listener: DomainEventListener): () => void;
  /** Pulses as they pass (none are kept for later). */
  onPulse(listener: (pulse: LivePulse) => void): () => void;
  /** For a client that reconnects: what it missed after `afterId`, or `complete: false` when that is over `limit`. */
  replay(afterId: number, limit: number): { events: DomainEvent[]; complete: boolean; lastId: number };
  lastId(): number;
}
