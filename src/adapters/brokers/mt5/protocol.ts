import { z } from 'zod';
import type { Timeframe } from '../../../core/domain/candles';

/**
 * The EchoBridge protocol, version 1, as resources/mt5/PROTOCOL.md defines it: newline-delimited JSON between the
 * app (TCP server on 127.0.0.1) and the EchoBridge Expert Advisor (TCP client). Messages from the EA are validated
 * here before anything else sees them; unknown fields are dropped, missing ones make the line a protocol error.
 */
export const PROTOCOL_VERSION = 1;
export const DEFAULT_BRIDGE_PORT = 5555;

/** Every type the EA sends (the conformance test checks this list against PROTOCOL.md). */
export const EA_MESSAGE_TYPES = [
  'hello', 'heartbeat', 'snapshot', 'tick', 'bar', 'account', 'deal_added', 'position_opened', 'position_modified',
  'position_closed', 'reply', 'error', 'bye',
] as const;
/** Every type the app sends. */
export const APP_MESSAGE_TYPES = [
  'welcome', 'denied', 'heartbeat', 'bye', 'subscribe', 'history', 'place', 'modify', 'close', 'find_order',
  'position_deals', 'resync',
] as const;
export type CommandType = 'subscribe' | 'history' | 'place' | 'modify' | 'close' | 'find_order' | 'position_deals' | 'resync';

/** How long the app waits for a reply before the outcome is unknown (PROTOCOL.md §6). */
export const COMMAND_TIMEOUT_MS: Readonly<Record<CommandType, number>> = {
  place: 15_000,
  close: 15_000,
  modify: 10_000,
  find_order: 10_000,
  position_deals: 10_000,
  subscribe: 10_000,
  resync: 10_000,
  history: 30_000,
};

export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** The workstation's timeframes ↔ MetaTrader's names. */
export const MT5_TIMEFRAME: Readonly<Record<Timeframe, string>> = { '1M': 'M1', '5M': 'M5', '15M': 'M15', '1H': 'H1', '4H': 'H4', '1D': 'D1' };
export const TIMEFRAME_FROM_MT5: Readonly<Record<string, Timeframe>> = Object.fromEntries(
  Object.entries(MT5_TIMEFRAME).map(([ours, theirs]) => [theirs, ours as Timeframe]),
);

const ticket = z.union([z.string(), z.number()]).transform(String);
const num = z.number();
const ms = z.number();

export const accountSchema = z.object({
  login: z.union([z.number(), z.string()]).transform(String),
  name: z.string().default(''),
  server: z.string(),
  company: z.string().default(''),
  currency: z.string(),
  leverage: num.default(0),
  balance: num,
  equity: num,
  margin: num.default(0),
  margin_free: num.default(0),
  margin_level: num.default(0),
  profit: num.default(0),
  trade_mode: z.string().default('unknown'),
  trade_allowed: z.boolean().default(true),
  /** hedging (one position per order: what tasks need), netting (one per symbol) or exchange. */
  margin_mode: z.string().default('hedging'),
});
export type Mt5AccountWire = z.infer<typeof accountSchema>;

export const symbolSchema = z.object({
  name: z.string(),
  description: z.string().default(''),
  path: z.string().default(''),
  digits: z.number().int(),
  point: num,
  tick_size: num,
  tick_value: num.default(0),
  contract_size: num,
  volume_min: num,
  volume_step: num,
  volume_max: num,
  currency_base: z.string().default(''),
  currency_profit: z.string().default(''),
  currency_margin: z.string().default(''),
  calc_mode: z.string().default(''),
  trade_mode: z.string().default('full'),
  stops_level: num.default(0),
  spread: num.default(0),
  bid: num.default(0),
  ask: num.default(0),
});
export type Mt5SymbolWire = z.infer<typeof symbolSchema>;

const side = z.enum(['buy', 'sell']);

export const positionSchema = z.object({
  ticket,
  symbol: z.string(),
  side,
  volume: num,
  price_open: num,
  time: ms,
  sl: num.default(0),
  tp: num.default(0),
  magic: num.default(0),
  comment: z.string().default(''),
  swap: num.default(0),
  profit: num.default(0),
  price_current: num.default(0),
});
export type Mt5PositionWire = z.infer<typeof positionSchema>;

export const orderSchema = z.object({
  ticket,
  symbol: z.string(),
  type: z.string(),
  volume: num,
  price: num,
  sl: num.default(0),
  tp: num.default(0),
  magic: num.default(0),
  comment: z.string().default(''),
  time_setup: ms.default(0),
});
export type Mt5OrderWire = z.infer<typeof orderSchema>;

export const dealSchema = z.object({
  ticket,
  order: ticket.default('0'),
  position: ticket,
  symbol: z.string(),
  side,
  entry: z.enum(['in', 'out', 'inout', 'out_by']),
  volume: num,
  price: num,
  time: ms,
  commission: num.default(0),
  swap: num.default(0),
  fee: num.default(0),
  profit: num.default(0),
  magic: num.default(0),
  comment: z.string().default(''),
  reason: z.string().default('other'),
});
export type Mt5DealWire = z.infer<typeof dealSchema>;

const terminalSchema = z.object({
  name: z.string().default(''),
  company: z.string().default(''),
  build: z.number().default(0),
  path: z.string().default(''),
  data_path: z.string().default(''),
  connected: z.boolean().default(false),
  trade_allowed: z.boolean().default(false),
  ea_trade_allowed: z.boolean().default(false),
});

export const helloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  token: z.string(),
  ea_version: z.string().default('unknown'),
  server_utc_offset_s: z.number().default(0),
  terminal: terminalSchema.default(() => terminalSchema.parse({})),
  account: z
    .object({ login: z.union([z.number(), z.string()]).transform(String), server: z.string(), name: z.string().default(''), company: z.string().default(''), currency: z.string().default(''), trade_mode: z.string().default('unknown') })
    .nullable()
    .default(null),
});
export type HelloMessage = z.infer<typeof helloSchema>;

const seq = z.number().int().positive();

export const snapshotSchema = z.object({
  type: z.literal('snapshot'),
  seq,
  time: ms,
  reason: z.string().default('connect'),
  account: accountSchema,
  symbols: z.array(symbolSchema),
  positions: z.array(positionSchema),
  orders: z.array(orderSchema).default([]),
});
export type SnapshotMessage = z.infer<typeof snapshotSchema>;

export const updateSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tick'), seq, symbol: z.string(), time: ms, bid: num, ask: num }),
  z.object({ type: z.literal('bar'), seq, symbol: z.string(), timeframe: z.string(), time: ms, open: num, high: num, low: num, close: num, volume: num.default(0) }),
  z.object({ type: z.literal('account'), seq, account: accountSchema }),
  z.object({ type: z.literal('deal_added'), seq, deal: dealSchema }),
  z.object({ type: z.literal('position_opened'), seq, position: positionSchema }),
  z.object({ type: z.literal('position_modified'), seq, position: positionSchema }),
  z.object({ type: z.literal('position_closed'), seq, ticket, deal: dealSchema.nullable().default(null) }),
]);
export type UpdateMessage = z.infer<typeof updateSchema>;
export type SequencedMessage = SnapshotMessage | UpdateMessage;

export const heartbeatSchema = z.object({
  type: z.literal('heartbeat'),
  time: ms.default(0),
  terminal_connected: z.boolean(),
  trade_allowed: z.boolean().default(true),
  ping_ms: z.number().default(0),
  server_utc_offset_s: z.number().optional(),
});
export type HeartbeatMessage = z.infer<typeof heartbeatSchema>;

export const replySchema = z.object({
  type: z.literal('reply'),
  id: z.string(),
  ok: z.boolean(),
  result: z.record(z.string(), z.unknown()).default({}),
  error: z.object({ code: z.string(), message: z.string().default(''), retcode: z.number().optional() }).optional(),
});
export type ReplyMessage = z.infer<typeof replySchema>;

export const byeSchema = z.object({ type: z.literal('bye'), reason: z.string().default('') });
export const errorSchema = z.object({ type: z.literal('error'), message: z.string().default('') });

/** Results of commands, as the EA sends them. */
export const placeResultSchema = z.object({
  client_order_id: z.string(),
  duplicate: z.boolean().default(false),
  status: z.string().default('filled'),
  order: ticket.default('0'),
  deal: ticket.default('0'),
  position: ticket,
  symbol: z.string(),
  side,
  volume: num,
  price: num,
  time: ms,
  commission: num.default(0),
  sl: num.default(0),
  tp: num.default(0),
  magic: num.default(0),
});
export const closeResultSchema = z.object({
  client_order_id: z.string(),
  duplicate: z.boolean().default(false),
  ticket,
  order: ticket.default('0'),
  deal: ticket.default('0'),
  price: num,
  volume: num,
  time: ms,
  profit: num.default(0),
  commission: num.default(0),
  swap: num.default(0),
  closed: z.boolean().default(true),
});
export const findOrderResultSchema = z.object({
  found: z.boolean(),
  status: z.string().optional(),
  position: positionSchema.nullable().optional(),
  deals: z.array(dealSchema).default([]),
});
export const positionDealsResultSchema = z.object({
  ticket,
  open: z.boolean(),
  position: positionSchema.nullable().optional(),
  deals: z.array(dealSchema).default([]),
});
export const historyResultSchema = z.object({
  symbol: z.string(),
  timeframe: z.string(),
  bars: z.array(z.array(num)),
});
export const subscribeResultSchema = z.object({ symbols: z.array(z.string()).default([]), unknown: z.array(z.string()).default([]) });

/** Commands the app sends (without the id, which the session adds). */
export type Command =
  | { type: 'subscribe'; symbols: string[]; timeframes: string[]; ticks: boolean }
  | { type: 'history'; symbol: string; timeframe: string; count?: number; from?: number; to?: number }
  | { type: 'place'; client_order_id: string; symbol: string; side: 'buy' | 'sell'; volume: number; magic: number; sl?: number; tp?: number; deviation?: number }
  | { type: 'modify'; ticket: string; sl: number; tp: number }
  | { type: 'close'; client_order_id: string; ticket?: string; position_client_order_id?: string; volume?: number; deviation?: number }
  | { type: 'find_order'; client_order_id: string }
  | { type: 'position_deals'; ticket: string }
  | { type: 'resync' };

/** An EA's refusal of a command (reply ok: false). */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: string,
    message: string,
    readonly retcode?: number,
  ) {
    super(message);
  }
}

/** The command could not be sent (no link) — it never reached the terminal. */
export class NotSentError extends Error {
  override readonly name = 'NotSentError';
}

/** The command left but its answer did not come (timeout, link lost): its outcome is unknown. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
}
