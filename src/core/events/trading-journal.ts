import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../../shared/contract/events';
import type { DomainEvent } from '../domain/domain-events';
import type { DomainEventJournal } from '../ports/domain-events';
import type { EngineEventRecord, TradingRepository } from '../ports/trading-repository';

const KNOWN = new Set<string>(DOMAIN_EVENT_TYPES);

export function isDomainEventType(type: string): type is DomainEventType {
  return KNOWN.has(type);
}

/** The journal's `engine_events` table as the event bus's store (the table and GET /api/trading/events are unchanged). */
export function domainEventJournal(repo: Pick<TradingRepository, 'recordEvent' | 'listEvents'>): DomainEventJournal {
  return {
    record(draft) {
      const row = repo.recordEvent({
        type: draft.type, severity: draft.severity, taskId: draft.taskId, code: draft.code, message: draft.message, data: draft.data,
        ...(draft.at !== undefined ? { time: draft.at } : {}),
      });
      return { id: row.id, time: row.time };
    },
    after(afterId, limit) {
      // listEvents answers newest first; a replay goes oldest first.
      return repo.listEvents({ afterId, limit }).reverse().flatMap((row) => (isDomainEventType(row.type) ? [eventOf(row)] : []));
    },
    lastId() {
      return repo.listEvents({ limit: 1 })[0]?.id ?? 0;
    },
  };
}

function eventOf(row: EngineEventRecord): DomainEvent {
  return { id: row.id, time: row.time, type: row.type, severity: row.severity, taskId: row.taskId, code: row.code, message: row.message } as DomainEvent;
}
