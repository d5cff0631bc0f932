import { z } from 'zod';

/**
 * Push events: what the engine tells the UI without being asked. Defined once here so every transport
 * (IPC in Electron, WebSocket in a browser) carries the same names and payload shapes, and so the preload
 * can refuse to subscribe to anything that is not on this list.
 */

const isoTime = z.string().describe('ISO 8601 time the event happened');

/** A message meant for a person: shown as a native desktop notification and in the app's alert list. */
export const notificationEvent = z.object({
  id: z.string(),
  kind: z.enum(['info', 'fill', 'risk', 'error']),
  title: z.string(),
  body: z.string(),
  time: isoTime,
});

/** An order (or part of it) was filled by the broker. */
export const orderFilledEvent = z.object({
  client_order_id: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  quantity: z.number(),
  price: z.number(),
  /** True when the order still has quantity left to fill. */
  partial: z.boolean(),
  time: isoTime,
});

/** The risk engine found a limit broken (floating loss, drawdown, grid size, ...) and acted on it. */
export const riskBreachEvent = z.object({
  code: z.string().describe('what was breached, e.g. FLOATING_LOSS_THRESHOLD or MAX_DRAWDOWN'),
  message: z.string(),
  portfolio_id: z.number().int().optional(),
  strategy_name: z.string().optional(),
  pair: z.string().optional(),
  /** What the risk engine did about it, e.g. "closed 3 positions". */
  action: z.string().optional(),
  time: isoTime,
});

export const pushEvents = {
  notification: notificationEvent,
  'order.filled': orderFilledEvent,
  'risk.breach': riskBreachEvent,
} as const satisfies Record<string, z.ZodType>;

export type PushEvents = typeof pushEvents;
export type PushEventName = keyof PushEvents;
export type PushEventPayload<E extends PushEventName> = z.output<PushEvents[E]>;

/** Every push event name; the preload subscribes to these and nothing else. */
export const PUSH_EVENTS = Object.freeze(Object.keys(pushEvents)) as readonly PushEventName[];

export function isPushEventName(name: unknown): name is PushEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(pushEvents, name);
}
