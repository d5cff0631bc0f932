import type { DomainEventMessage } from '../../shared/contract/events';
import type { DomainEvent } from '../domain/domain-events';

/** A domain event as every transport carries it (the contract's `domainEvent`, the same fields as GET /api/trading/events rows). */
export function toEventMessage(event: DomainEvent): DomainEventMessage {
  return {
    id: event.id,
    time: event.time,
    type: event.type,
    severity: event.severity,
    task_id: event.taskId,
    code: event.code,
    message: event.message,
    ...(event.data !== undefined ? { data: event.data as Record<string, unknown> } : {}),
  };
}
