import type { DomainEventType } from '../../shared/contract/events';

/**
 * The one stream of things that happened, past tense: a closed union over the names of the contract's
 * `domainEventType` enum (a name added there without a member here, or the other way round, does not compile).
 * The kernel, the task actors, the backtest/research services and the broker watchers publish them; the journal
 * stores them (its row id becomes the event's sequence number) and the notifier, IPC push and the WebSocket
 * deliver them. See docs/architecture.md.
 */

export type EventSeverity = 'info' | 'warning' | 'critical';

/** What each event carries besides its message; open records for events whose details are free-form. */
export interface DomainEventDataMap {
  OrderSubmitted: { clientOrderId: string; side: string; lots: number; symbol: string; kind: 'open' | 'close'; reason: string };
  OrderFilled: { clientOrderId: string; price: number; lots: number; side: string; time: number };
  OrderRejected: Record<string, unknown>;
  OrderDenied: Record<string, unknown>;
  OrderHeld: Record<string, unknown>;
  OrderUnknown: Record<string, unknown>;
  OrderResolved: Record<string, unknown>;
  DuplicateDecisionRefused: Record<string, unknown>;
  PositionOpened: { positionId: string; clientOrderId: string; side: string; lots: number; price: number; time: number };
  PositionClosed: { positionId: string; pnl: number; exitReason: string; time: number };
  ProtectionFailed: Record<string, unknown>;
  RiskBreached: Record<string, unknown>;
  TaskStarted: { pair: string; timeframe: string; strategy: string; broker: string };
  TaskStopped: { positionsClosed: boolean };
  TaskPaused: Record<string, unknown>;
  TaskReconciled: Record<string, unknown>;
  TaskFailed: Record<string, unknown>;
  BacktestCompleted: { backtestId: string; status: string };
  ResearchJobFinished: { jobId: string; kind: string; status: string };
  BrokerConnectionChanged: { broker: string; link: string; detail: string };
}

/** An event as a publisher hands it over: everything but its sequence number and time, which the journal assigns. */
export type DomainEventDraft = {
  [T in DomainEventType]: {
    type: T;
    severity: EventSeverity;
    taskId: number | null;
    code: string | null;
    message: string;
    data?: DomainEventDataMap[T];
    /** When it happened on the symbol's market clock (epoch ms; replayed or simulated markets); else when stored. */
    at?: number;
  };
}[DomainEventType];

/** A stored event: `id` is its sequence number (the journal row id), `time` when it was stored (ISO 8601). */
export type DomainEvent = DomainEventDraft & { id: number; time: string };

/** Events that a trader must be told about (tray, desktop notification, toast). */
export const NOTIFIED_EVENT_TYPES: readonly DomainEventType[] = ['OrderFilled', 'PositionClosed', 'RiskBreached', 'TaskPaused', 'TaskFailed', 'TaskReconciled'];

// Both directions of "closed": every contract name has a member, and every member is a contract name.
type MissingData = Exclude<DomainEventType, keyof DomainEventDataMap>;
type ExtraData = Exclude<keyof DomainEventDataMap, DomainEventType>;
const closed: [MissingData, ExtraData] extends [never, never] ? true : never = true;
void closed;
