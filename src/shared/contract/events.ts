import { z } from 'zod';

/**
 * The one event vocabulary: what the engine tells everyone without being asked. Past-tense domain events, stored in
 * the journal (`engine_events`, served at GET /api/trading/events) and pushed over every transport (IPC in Electron,
 * the WebSocket in a browser) with the same names and shape. `src/core/domain/domain-events.ts` holds the union the
 * engine builds; a name missing here does not compile there.
 */

const isoTime = z.string().describe('ISO 8601 time the event happened');

/** Every domain event name. Stored as `type` in the journal; the renderer switches on these and nothing else. */
export const DOMAIN_EVENT_TYPES = [
  'OrderSubmitted',
  'OrderFilled',
  'OrderRejected',
  'OrderDenied',
  'OrderHeld',
  'OrderUnknown',
  'OrderResolved',
  'DuplicateDecisionRefused',
  'PositionOpened',
  'PositionClosed',
  'ProtectionFailed',
  'RiskBreached',
  'TaskStarted',
  'TaskStopped',
  'TaskPaused',
  'TaskReconciled',
  'TaskFailed',
  'BacktestCompleted',
  'ResearchJobFinished',
  'BrokerConnectionChanged',
] as const;

export const domainEventType = z.enum(DOMAIN_EVENT_TYPES);
export type DomainEventType = z.output<typeof domainEventType>;

export const eventSeverity = z.enum(['info', 'warning', 'critical']);

/**
 * One domain event as every transport carries it. `id` is its sequence number: the journal row id, increasing, so a
 * client that remembers the last id it saw can ask for what it missed (`after_id`).
 */
export const domainEvent = z.object({
  id: z.number().int().describe('sequence number (journal row id), increasing'),
  time: isoTime,
  type: domainEventType,
  severity: eventSeverity,
  task_id: z.number().int().nullable(),
  code: z.string().nullable(),
  message: z.string(),
  /** Structured details of the event (ids, prices, P&L); present on live pushes, absent on replays of old rows. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type DomainEventMessage = z.output<typeof domainEvent>;

/**
 * A pulse: something moved that nobody needs a record of — a symbol's market stepped, a job's progress changed. Not
 * journaled, not replayed, sent at most every few hundred milliseconds per subject; screens refetch what moved
 * instead of polling on a timer.
 */
export const livePulse = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('market'), symbol: z.string(), time: isoTime.describe("the symbol's market clock") }),
  z.object({ kind: z.literal('job'), job: z.enum(['backtest', 'research']), id: z.number().int(), progress: z.number() }),
]);
export type LivePulse = z.output<typeof livePulse>;

/** A message meant for a person: shown as a native desktop notification and in the app's alert list. */
export const notificationEvent = z.object({
  id: z.string(),
  kind: z.enum(['info', 'fill', 'risk', 'error']),
  title: z.string(),
  body: z.string(),
  time: isoTime,
});

export const pushEvents = {
  notification: notificationEvent,
  'domain-event': domainEvent,
  'live-pulse': livePulse,
} as const satisfies Record<string, z.ZodType>;

export type PushEvents = typeof pushEvents;
export type PushEventName = keyof PushEvents;
export type PushEventPayload<E extends PushEventName> = z.output<PushEvents[E]>;

/** Every push event name; the preload subscribes to these and nothing else. */
export const PUSH_EVENTS = Object.freeze(Object.keys(pushEvents)) as readonly PushEventName[];

export function isPushEventName(name: unknown): name is PushEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(pushEvents, name);
}

// ---- The event socket (browser mode): GET /api/events/ws ---------------------------------------------------------

/** The path of the UI's event socket on the local server. */
export const EVENT_SOCKET_PATH = '/api/events/ws';

/** Client → server. Sent on every (re)connect: the last event id the client saw (0 or absent: only new events). */
export const eventSocketHello = z.strictObject({
  kind: z.literal('hello'),
  after_id: z.number().int().nonnegative().optional(),
});

/** Server → client. */
export const eventSocketMessage = z.discriminatedUnion('kind', [
  /** Replay (if asked) is done; `last_id` is the newest event id the server has stored. */
  z.object({ kind: z.literal('ready'), last_id: z.number().int() }),
  z.object({ kind: z.literal('event'), event: domainEvent }),
  /** More was missed than the server replays: refetch every screen, then carry on from `last_id`. */
  z.object({ kind: z.literal('resync'), last_id: z.number().int() }),
  z.object({ kind: z.literal('pulse'), pulse: livePulse }),
]);
export type EventSocketMessage = z.output<typeof eventSocketMessage>;
