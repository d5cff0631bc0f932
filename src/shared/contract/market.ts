import { z } from 'zod';
import { defineProcedure } from './procedure';

/**
 * Chart overlays of a trading task for a time window: the strategy's indicators recomputed server-side over the
 * window (with their warm-up taken from the bars before it), the task's entry/exit markers and the levels of its
 * open positions (take-profit, stop, grid). Columnar and window-bounded like `market.candles`, so a chart asks only
 * for what it shows.
 */
const ENVELOPE = 'forex-echo' as const;

const queryInt = (field: string, max: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(0, `${field} must not be negative`)
    .max(max, `${field} must be at most ${max}`);

const overlaySeries = z.object({
  key: z.string(),
  label: z.string(),
  /** 'price' draws over the candles; 'oscillator' in its own pane under the volume. */
  pane: z.enum(['price', 'oscillator']),
  /** One value per entry of `time`; null while the indicator warms up. */
  values: z.array(z.number().nullable()),
});

const marker = z.object({
  position_id: z.string(),
  kind: z.enum(['entry', 'exit']),
  side: z.string(),
  /** Epoch ms of the fill. */
  time: z.number(),
  price: z.number(),
  lots: z.number(),
  /** Why the position closed (exits) — take_profit, stop_loss, signal, ... */
  reason: z.string().nullable(),
  pnl: z.number().nullable(),
  /** The position is still open (entries only). */
  open: z.boolean(),
});

const level = z.object({
  kind: z.enum(['entry', 'take_profit', 'stop_loss', 'next_grid']),
  price: z.number(),
  label: z.string(),
});

export const overlays = defineProcedure({
  name: 'market.overlays',
  tag: 'Market data',
  summary: 'Indicator overlays, trade markers and open levels of a task for a chart window (columnar)',
  description:
    'The window is chosen like `market.candles`: the `limit` bars up to `to` (default: the task’s last bar), then those at or ' +
    'after `from`. Indicators are the task strategy’s (gold_buy_dip: lookback high/low and z-score; simple_ma: fast/slow ' +
    'moving averages), computed with the task’s configuration; markers are entries and exits inside the window.',
  input: z.strictObject({
    task_id: queryInt('task_id', Number.MAX_SAFE_INTEGER),
    from: queryInt('from', Number.MAX_SAFE_INTEGER).optional(),
    to: queryInt('to', Number.MAX_SAFE_INTEGER).optional(),
    limit: queryInt('limit', 20_000).default(2_000),
  }),
  output: z.object({
    task_id: z.number().int(),
    symbol: z.string(),
    timeframe: z.string(),
    strategy_name: z.string(),
    simulated: z.boolean(),
    time: z.array(z.number()),
    series: z.array(overlaySeries),
    /** Horizontal reference lines of the oscillator pane (z-score thresholds). */
    thresholds: z.array(z.object({ pane: z.enum(['price', 'oscillator']), value: z.number(), label: z.string() })),
    markers: z.array(marker),
    levels: z.array(level),
  }),
  http: [{ method: 'GET', path: '/api/market/overlays', envelope: ENVELOPE }],
  message: (o) => `${o.series.length} overlay(s) over ${o.time.length} bars, ${o.markers.length} marker(s)`,
});

export type OverlaysOutput = z.output<typeof overlays.output>;
