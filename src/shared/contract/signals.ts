import { z } from 'zod';
import { backtestTimeframeField, SPEC_TIMEFRAMES } from './backtest';
import { idField, MAX_MONEY } from './fields';
import { defineProcedure } from './procedure';

/**
 * Signals, as binance-trading-bot-api.md documents them (/api/signals/: list, detail, manual create). A signal is
 * an entry decision a strategy reported on a live bar — acted on (an order was sent) or filtered (and why) — or one
 * created by hand. Responses are the documented bodies (the 'binance-trading-bot' envelope); create answers 201.
 *
 * is_active: a strategy signal is active while the order it led to is in flight or the position it opened is still
 * open; a filtered one never is; a manual one until a newer signal (acted or manual) for the same symbol and
 * timeframe arrives. created_at is the market time of the decision: the close of the bar the strategy decided on
 * (its order fills at the next bar's open, the position's opened_at); for a manual signal, when it was created.
 */
const ENVELOPE = 'binance-trading-bot' as const;
const TAG = 'Signals';

export const SIGNAL_TYPES = ['LONG', 'SHORT'] as const;
export const SIGNAL_STATUSES = ['ACTED', 'FILTERED', 'MANUAL'] as const;

const SIDE_SPELLINGS: Readonly<Record<string, (typeof SIGNAL_TYPES)[number]>> = { LONG: 'LONG', SHORT: 'SHORT', BUY: 'LONG', SELL: 'SHORT' };
export const signalTypeField = (field: string) =>
  z
    .string({ error: `${field} must be LONG or SHORT` })
    .trim()
    .transform((v) => SIDE_SPELLINGS[v.toUpperCase()] ?? v)
    .pipe(z.enum(SIGNAL_TYPES, { error: `${field} must be LONG or SHORT` }));

export const symbolField = z
  .string({ error: 'symbol must be a text such as "BTCUSDT"' })
  .trim()
  .toUpperCase()
  .transform((v) => v.replace('/', ''))
  .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9._-]{1,23}$/, 'symbol must be a symbol such as "BTCUSDT" or "XAUUSD"'));

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const parseIso = (v: string) => Date.parse(/T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v}Z` : v);
/** ISO 8601 ("2024-11-01T00:00:00Z", or a date "2024-11-01" = midnight UTC) → epoch ms. */
export const isoDateField = (field: string) =>
  z
    .string({ error: `${field} must be an ISO 8601 date such as "2024-11-01T00:00:00Z"` })
    .trim()
    .refine((v) => ISO_DATE.test(v) && Number.isFinite(parseIso(v)), { message: `${field} must be an ISO 8601 date such as "2024-11-01T00:00:00Z"` })
    .transform(parseIso);

export const queryInt = (field: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);

/** Query strings carry text: "true"/"false" (also 1/0, yes/no); `all` lists active and inactive signals. */
const isActiveField = z
  .union([z.boolean(), z.string()], { error: 'is_active must be true, false or all' })
  .transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    const t = v.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(t)) return true;
    if (['false', '0', 'no'].includes(t)) return false;
    if (['all', 'any'].includes(t)) return 'all' as const;
    ctx.addIssue({ code: 'custom', message: 'is_active must be true, false or all' });
    return z.NEVER;
  });

const priceField = (field: string) =>
  z
    .number({ error: `${field} must be a price such as 62500.00` })
    .finite(`${field} must be a finite number`)
    .positive(`${field} must be greater than 0`)
    .max(MAX_MONEY, `${field} is too large`);

const conditionsMet = z.record(z.string(), z.boolean()).describe('each condition the strategy checked and whether it held');

export const signalView = z.object({
  id: z.number().int(),
  symbol: z.string(),
  signal_type: z.enum(SIGNAL_TYPES),
  entry_price: z.number().describe('the close of the decision bar (the order fills at the next open), or the manual entry'),
  stop_loss: z.number().nullable(),
  take_profit: z.number().nullable(),
  confidence: z.number().describe('0–1: the share of the strategy’s conditions that hold (confluence: of 13); 1 for rule-based entries and manual signals'),
  timeframe: z.string(),
  description: z.string(),
  created_at: z.string(),
  is_active: z.boolean(),
  conditions_met: conditionsMet,
  status: z.enum(SIGNAL_STATUSES).describe('ACTED: an order was sent; FILTERED: none was (status_reason says why); MANUAL: created by hand'),
  status_reason: z.string().nullable(),
  source: z.enum(['strategy', 'manual']),
  strategy: z.string().nullable(),
  task_id: z.number().int().nullable(),
});
export type SignalView = z.infer<typeof signalView>;

export const paperTradeView = z.object({
  id: z.number().int().describe('the paper position id (/api/paper-trading/positions/{id})'),
  status: z.enum(['OPEN', 'CLOSED']),
  entry_price: z.number(),
  current_price: z.number().nullable().describe('last price (the exit price once closed)'),
  unrealized_pnl: z.number().nullable(),
  unrealized_pnl_percent: z.number().nullable(),
  exit_price: z.number().nullable(),
  realized_pnl: z.number().nullable(),
  realized_pnl_percent: z.number().nullable(),
  exit_reason: z.string().nullable(),
});

export const signalDetailView = signalView.extend({
  indicator_values: z.record(z.string(), z.number().nullable()).describe('the indicator values the strategy saw on the decision bar'),
  paper_trade: paperTradeView.nullable().describe('the paper-trading position this signal opened, if any'),
  recorded_at: z.string().describe('wall-clock time the signal was stored'),
});

export const listSignalsInput = z.strictObject({
  symbol: symbolField.optional(),
  signal_type: signalTypeField('signal_type').optional(),
  side: signalTypeField('side').optional().describe('the same filter as signal_type (BUY = LONG, SELL = SHORT)'),
  timeframe: backtestTimeframeField.optional(),
  is_active: isActiveField.default(true).describe('true (default): active signals only; false: inactive only; all: both'),
  status: z.string().trim().toUpperCase().pipe(z.enum(SIGNAL_STATUSES, { error: `status must be one of ${SIGNAL_STATUSES.join(', ')}` })).optional(),
  source: z.string().trim().toLowerCase().pipe(z.enum(['strategy', 'manual'], { error: 'source must be strategy or manual' })).optional(),
  task_id: queryInt('task_id', 1, Number.MAX_SAFE_INTEGER).optional(),
  start_date: isoDateField('start_date').optional().describe('created_at at or after this time'),
  end_date: isoDateField('end_date').optional().describe('created_at at or before this time'),
  page: queryInt('page', 1, 1_000_000).default(1),
  page_size: queryInt('page_size', 1, 100).default(20),
}).refine((v) => v.start_date === undefined || v.end_date === undefined || v.end_date >= v.start_date, {
  message: 'end_date must not be before start_date',
  path: ['end_date'],
}).refine((v) => v.signal_type === undefined || v.side === undefined || v.signal_type === v.side, {
  message: 'signal_type and side disagree; give one of them',
  path: ['side'],
});
export type ListSignalsInput = z.output<typeof listSignalsInput>;

export const createSignalInput = z
  .strictObject({
    symbol: symbolField,
    signal_type: signalTypeField('signal_type'),
    entry_price: priceField('entry_price'),
    stop_loss: priceField('stop_loss').nullable().optional(),
    take_profit: priceField('take_profit').nullable().optional(),
    timeframe: backtestTimeframeField.default('4h'),
    description: z.string({ error: 'description must be a text' }).trim().max(1_000, 'description must be at most 1000 characters').default('Manual signal'),
    confidence: z
      .number({ error: 'confidence must be a number from 0 to 1' })
      .min(0, 'confidence must be from 0 to 1')
      .max(1, 'confidence must be from 0 to 1')
      .default(1),
  })
  .superRefine((v, ctx) => {
    const long = v.signal_type === 'LONG';
    if (v.stop_loss != null && (long ? v.stop_loss >= v.entry_price : v.stop_loss <= v.entry_price)) {
      ctx.addIssue({ code: 'custom', path: ['stop_loss'], message: `stop_loss must be ${long ? 'below' : 'above'} entry_price for a ${v.signal_type} signal` });
    }
    if (v.take_profit != null && (long ? v.take_profit <= v.entry_price : v.take_profit >= v.entry_price)) {
      ctx.addIssue({ code: 'custom', path: ['take_profit'], message: `take_profit must be ${long ? 'above' : 'below'} entry_price for a ${v.signal_type} signal` });
    }
  });

const idPath = z.strictObject({ id: z.coerce.number({ error: 'id must be a whole number such as 456' }).pipe(idField('id')) });

export const listSignals = defineProcedure({
  name: 'signals.list',
  tag: TAG,
  summary: 'Signals (active ones by default), newest first, with filters and pages',
  description:
    `Filters: symbol, signal_type (LONG/SHORT; or side BUY/SELL), timeframe (${SPEC_TIMEFRAMES.join(', ')}), is_active (default true; ` +
    'all for both), status (ACTED/FILTERED/MANUAL), source (strategy/manual), task_id, start_date/end_date on created_at. ' +
    'Pages of page_size (default 20, at most 100); next/previous are the links to the neighbouring pages.',
  input: listSignalsInput,
  output: z.object({ count: z.number().int(), next: z.string().nullable(), previous: z.string().nullable(), results: z.array(signalView) }),
  http: [{ method: 'GET', path: '/api/signals/', envelope: ENVELOPE }],
  message: () => '',
});

export const getSignal = defineProcedure({
  name: 'signals.get',
  tag: TAG,
  summary: 'One signal with its conditions, indicator values and the paper trade it opened',
  input: idPath,
  output: signalDetailView,
  http: [{ method: 'GET', path: '/api/signals/{id}/', envelope: ENVELOPE }],
  message: () => '',
});

export const createSignal = defineProcedure({
  name: 'signals.create',
  tag: TAG,
  summary: 'Create a manual signal (recorded, flagged manual; it does not place an order)',
  description: 'LONG needs stop_loss < entry_price < take_profit, SHORT the mirror. confidence defaults to 1.0, timeframe to 4h.',
  input: createSignalInput,
  output: signalView,
  http: [{ method: 'POST', path: '/api/signals/', envelope: ENVELOPE, status: 201 }],
  message: () => '',
});
