import { z } from 'zod';
import { idField, MAX_MONEY } from './fields';
import { defineProcedure } from './procedure';

/**
 * Backtests, as binance-trading-bot-api.md documents them (/api/backtest/: create, get, list, delete), plus a
 * cancel route and the execution settings a trader expects (fill model, costs, sizing, direction). Responses are
 * the documented bodies themselves (the 'binance-trading-bot' envelope): 201 on create, 204 on delete.
 *
 * Statuses: PENDING (queued) → RUNNING (a worker runs it; `progress` 0–100) → COMPLETED (`results` filled) or
 * FAILED (`error` says why; a cancelled backtest is FAILED with error "Cancelled by the user").
 */
const ENVELOPE = 'binance-trading-bot' as const;
const TAG = 'Backtests';

export const BACKTEST_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export const SPEC_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
const TIMEFRAME_MESSAGE = `Invalid timeframe. Must be one of: ${SPEC_TIMEFRAMES.join(', ')}`;
const TIMEFRAME_SPELLINGS: Readonly<Record<string, (typeof SPEC_TIMEFRAMES)[number]>> = {
  '1m': '1m', '5m': '5m', '15m': '15m', '1h': '1h', '4h': '4h', '1d': '1d',
  M1: '1m', M5: '5m', M15: '15m', H1: '1h', H4: '4h', D1: '1d',
  '1M': '1m', '5M': '5m', '15M': '15m', '1H': '1h', '4H': '4h', '1D': '1d',
};

export const backtestTimeframeField = z
  .string({ error: TIMEFRAME_MESSAGE })
  .trim()
  .transform((v) => TIMEFRAME_SPELLINGS[v] ?? v)
  .pipe(z.enum(SPEC_TIMEFRAMES, { error: TIMEFRAME_MESSAGE }));

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO 8601 ("2024-01-01T00:00:00Z", or a date "2024-01-01" = midnight UTC) → epoch ms. */
const isoDateField = (field: string) =>
  z
    .string({ error: `${field} must be an ISO 8601 date such as "2024-01-01T00:00:00Z"` })
    .trim()
    .refine((v) => ISO_DATE.test(v) && Number.isFinite(Date.parse(/T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v}Z` : v)), {
      message: `${field} must be an ISO 8601 date such as "2024-01-01T00:00:00Z"`,
    })
    .transform((v) => Date.parse(/T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v}Z` : v));

const symbolField = z
  .string({ error: 'each symbol must be a text such as "BTCUSDT"' })
  .trim()
  .toUpperCase()
  .transform((v) => v.replace('/', ''))
  .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9._-]{1,23}$/, 'each symbol must be a symbol such as "BTCUSDT" or "XAUUSD"'));

const nonNegative = (field: string, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .finite(`${field} must be a finite number`)
    .min(0, `${field} must not be negative`)
    .max(max, `${field} must be at most ${max}`);

export const createBacktestInput = z
  .strictObject({
    name: z.string({ error: 'name must be a text such as "OPT6 Extended Test"' }).trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
    symbols: z
      .array(symbolField, { error: 'symbols must be a list such as ["BTCUSDT"]' })
      .min(1, 'symbols must name at least one symbol')
      .max(10, 'at most 10 symbols per backtest')
      .refine((list) => new Set(list).size === list.length, 'symbols must not repeat a symbol'),
    timeframe: backtestTimeframeField,
    start_date: isoDateField('start_date'),
    end_date: isoDateField('end_date'),
    strategy: z
      .string({ error: 'strategy must be a name such as "confluence", "simple_ma" or "gold_buy_dip"' })
      .trim()
      .toLowerCase()
      .default('confluence')
      .describe('Built-in strategy: confluence (the strategy strategy_params describe; default), simple_ma or gold_buy_dip'),
    strategy_params: z
      .record(z.string(), z.union([z.number(), z.boolean()]), { error: 'strategy_params must be an object of parameter: number' })
      .default({})
      .describe("The strategy's parameters; unknown keys come back in `warnings`, missing ones take their defaults"),
    initial_capital: z
      .number({ error: 'initial_capital must be a number such as 10000' })
      .finite()
      .positive('initial_capital must be greater than 0')
      .max(MAX_MONEY, 'initial_capital is too large'),
    position_size: z
      .number({ error: 'position_size must be a number such as 100' })
      .finite()
      .positive('position_size must be greater than 0')
      .max(MAX_MONEY, 'position_size is too large')
      .optional()
      .describe('USD per trade with sizing fixed_cash (the spec); lots with fixed_lots; % of equity with percent_equity; unused otherwise. Left out with sizing fixed_cash (the default): all_equity is used, so a run with defaults can buy the minimum lot'),
    sizing: z
      .enum(['fixed_cash', 'fixed_lots', 'percent_equity', 'all_equity', 'strategy'], {
        error: 'sizing must be one of fixed_cash, fixed_lots, percent_equity, all_equity, strategy',
      })
      .default('fixed_cash')
      .describe('How big each entry is (see position_size); all_equity = all available equity net of entry commission, sized at the fill (as backtesting.py); strategy = the lots the strategy chooses. Default fixed_cash, or all_equity when position_size is left out'),
    size_rounding: z
      .enum(['lot_step', 'whole_units', 'fractional'], { error: 'size_rounding must be one of lot_step, whole_units, fractional' })
      .default('lot_step')
      .describe("lot_step: down to the instrument's lot step (0.01 lot FX, 1 share, 0.00001 BTC), below the minimum lot no trade; whole_units: whole shares/coins/units; fractional: exact, no minimum"),
    direction: z
      .enum(['both', 'long_only', 'short_only'], { error: 'direction must be one of both, long_only, short_only' })
      .default('both')
      .describe('Which entries may open; the other side only closes'),
    fill_at: z
      .enum(['next_open', 'close'], { error: 'fill_at must be next_open or close' })
      .default('next_open')
      .describe("Market orders fill at the next bar's open (default) or at the decision bar's close"),
    commission_percent: nonNegative('commission_percent', 10).default(0).describe('% of the notional, per side'),
    commission_per_lot: nonNegative('commission_per_lot', 10_000).default(0).describe('USD per lot, per side'),
    spread_points: nonNegative('spread_points', 1_000_000).default(0).describe("Spread in instrument points: buys fill at the ask (bid + spread)"),
    slippage_points: nonNegative('slippage_points', 1_000_000).default(0).describe('Points against the trader on market and stop fills'),
    warm_up_bars: z
      .number({ error: 'warm_up_bars must be a whole number' })
      .int('warm_up_bars must be a whole number')
      .min(0, 'warm_up_bars must not be negative')
      .max(100_000, 'warm_up_bars must be at most 100000')
      .default(300)
      .describe('Bars before start_date the strategy sees for its indicators (as a live task warms up), when stored'),
  })
  .refine((v) => v.end_date > v.start_date, { message: 'end_date must be after start_date', path: ['end_date'] })
  .refine((v) => v.position_size !== undefined || (v.sizing !== 'fixed_lots' && v.sizing !== 'percent_equity'), {
    message: 'position_size is required with sizing fixed_lots (lots) or percent_equity (% of equity)',
    path: ['position_size'],
  })
  .refine((v) => v.sizing !== 'percent_equity' || (v.position_size ?? 0) <= 100, {
    message: 'with sizing percent_equity, position_size is a % of equity: at most 100',
    path: ['position_size'],
  });
export type CreateBacktestInput = z.output<typeof createBacktestInput>;

const num = (description: string) => z.number().describe(description);
const numOrNull = (description: string) => z.number().nullable().describe(description);

/** Every statistic with its definition (the same text as src/core/backtest/statistics.ts). */
export const backtestSummary = z.object({
  roi: num('ROI % = (final capital − initial capital) / initial capital × 100'),
  win_rate: numOrNull('% of trades with net P&L > 0 (break-even trades count in the total, not as wins); null without trades'),
  profit_factor: numOrNull('gross profit / |gross loss| over net trade P&L; null when there is no losing trade (the ratio would be +∞, or 0/0 without trades)'),
  sharpe_ratio: numOrNull('mean / sample sd (n−1) of the daily returns of the equity curve × √A (A = annualization_days: 252, or 365 when every symbol is crypto); risk-free 0; the first return is measured from the initial capital; null with < 2 returns or sd 0'),
  sortino_ratio: numOrNull('mean daily return / downside deviation √(Σ min(r,0)² / n) × √A; null with < 2 returns or no negative return'),
  max_drawdown: num('largest fall of the mark-to-market equity (valued at every bar close, positions at bid/ask, net of entry commission) from its running peak, % of that peak (positive)'),
  max_drawdown_amount: num('the largest such fall in USD'),
  total_trades: z.number().int().describe('closed trades, including those closed at the end of the data (exit_reason END_OF_DATA)'),
  winning_trades: z.number().int().describe('trades with net P&L > 0'),
  losing_trades: z.number().int().describe('trades with net P&L < 0'),
  break_even_trades: z.number().int().describe('trades with net P&L exactly 0'),
  avg_win: numOrNull('mean net P&L of the winning trades, USD; null without one'),
  avg_loss: numOrNull('mean net P&L of the losing trades (negative), USD; null without one'),
  largest_win: numOrNull('best trade, USD'),
  largest_loss: numOrNull('worst trade, USD (negative)'),
  gross_profit: num('sum of the winning trades, USD'),
  gross_loss: num('sum of the losing trades, USD (negative or 0)'),
  avg_trade_duration_hours: numOrNull('mean of exit time − entry time, hours; null without trades'),
  final_capital: num('initial capital + total_pnl (everything is closed at the end)'),
  total_pnl: num('sum of the net P&L of all trades, USD'),
  total_fees: num('commissions paid on entries and exits, USD (spread and slippage are in the fill prices)'),
  cagr: numOrNull('% per year = ((final / initial)^(1/years) − 1) × 100, years = (last bar close − first bar open) / 365.25 days; null when final ≤ 0'),
  exposure: num('% of traded bars during which a position was open (at any moment of the bar)'),
  expectancy: numOrNull('mean net P&L per trade = total_pnl / total_trades, USD; null without trades'),
  annualization_days: z.number().int().describe('A used for Sharpe and Sortino: 365 when every symbol is crypto (trades every day), else 252'),
});

const backtestTrade = z.object({
  trade_id: z.number().int(),
  symbol: z.string(),
  direction: z.enum(['LONG', 'SHORT']),
  entry_time: z.string(),
  exit_time: z.string(),
  entry_price: num('fill price, spread and slippage included'),
  exit_price: num('fill price, spread and slippage included'),
  position_size: num('entry notional in USD = quantity × entry price'),
  quantity: num('units of the base (shares, coins, ounces, currency units) = lots × contract size'),
  lots: z.number(),
  stop_loss: z.number().nullable().describe('the stop in force when the trade closed'),
  take_profit: z.number().nullable().describe('the take-profit in force when the trade closed'),
  pnl: num('net of both commissions, USD'),
  pnl_percent: num('pnl / position_size × 100'),
  fees: num('commissions of this trade, USD'),
  exit_reason: z.string().describe('TAKE_PROFIT, STOP_LOSS, SIGNAL (the strategy closed or reversed it), END_OF_DATA (open at the end, closed at the last close), SERIES_TAKE_PROFIT, MAX_DRAWDOWN, ...'),
  duration_hours: z.number(),
  confidence: z.number().nullable().describe("the strategy's confidence at the entry decision (confluence), else null"),
});

export const backtestResults = z.object({
  summary: backtestSummary,
  trades: z.array(backtestTrade),
  equity_curve: z.array(z.object({ date: z.string(), equity: z.number() })).describe('equity at the end of each UTC day with bars (the last point after the final close-out)'),
  signals_generated: z.number().int().describe('entry orders the strategy sent'),
  signals_filtered: z.number().int().describe("entries turned down: by the strategy's own filter (confluence: below min_confidence, once per run of bars) and by the checks (direction not allowed, size below the minimum lot, also at the fill with all_equity); how many of each and why are in the backtest's `warnings`"),
  bars: z.number().int().describe('bars traded (warm-up bars not included), summed over the symbols'),
  per_symbol: z.array(
    z.object({ symbol: z.string(), bars: z.number().int(), total_trades: z.number().int(), total_pnl: z.number(), final_capital: z.number(), roi: z.number() }),
  ).describe("each symbol's sleeve: the initial capital is split equally between the symbols"),
});

export const backtestView = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(BACKTEST_STATUSES),
  strategy: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  strategy_params: z.record(z.string(), z.union([z.number(), z.boolean()])).describe('the full resolved parameters (defaults filled in)'),
  initial_capital: z.number(),
  position_size: z.number().nullable(),
  sizing: z.string(),
  size_rounding: z.string(),
  direction: z.string(),
  fill_at: z.string(),
  commission_percent: z.number(),
  commission_per_lot: z.number(),
  spread_points: z.number(),
  slippage_points: z.number(),
  warm_up_bars: z.number().int(),
  progress: z.number().describe('% of the bars processed (0–100)'),
  error: z.string().nullable(),
  warnings: z.array(z.string()),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  results: backtestResults.nullable(),
});
export type BacktestView = z.infer<typeof backtestView>;

const ORDERING_FIELDS = ['id', 'name', 'status', 'created_at', 'completed_at', 'roi', 'win_rate', 'total_trades', 'total_pnl', 'sharpe_ratio', 'max_drawdown', 'profit_factor'] as const;
export const BACKTEST_ORDERINGS = [...ORDERING_FIELDS, ...ORDERING_FIELDS.map((f) => `-${f}` as const)] as const;

const queryInt = (field: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);

export const listBacktestsInput = z.strictObject({
  page: queryInt('page', 1, 1_000_000).default(1),
  page_size: queryInt('page_size', 1, 100).default(20),
  status: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(BACKTEST_STATUSES, { error: `status must be one of ${BACKTEST_STATUSES.join(', ')}` }))
    .optional(),
  symbol: symbolField.optional(),
  ordering: z
    .string()
    .trim()
    .pipe(z.enum(BACKTEST_ORDERINGS, { error: `ordering must be one of ${ORDERING_FIELDS.join(', ')} (prefix - for descending)` }))
    .default('-created_at'),
});
export type ListBacktestsInput = z.output<typeof listBacktestsInput>;

const listItem = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(BACKTEST_STATUSES),
  strategy: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  progress: z.number(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  results: z
    .object({
      summary: z.object({
        roi: z.number(),
        win_rate: z.number().nullable(),
        total_trades: z.number().int(),
        total_pnl: z.number(),
        sharpe_ratio: z.number().nullable(),
        max_drawdown: z.number(),
      }),
    })
    .nullable(),
});

const idPath = z.strictObject({ id: z.coerce.number({ error: 'id must be a whole number such as 123' }).pipe(idField('id')) });

const SUMMARY_DOC =
  'Statistics: ' +
  Object.entries(backtestSummary.shape)
    .map(([k, v]) => `${k} = ${(v as z.ZodType).description ?? ''}`)
    .join('; ');

export const createBacktest = defineProcedure({
  name: 'backtest.create',
  tag: TAG,
  summary: 'Submit a backtest: a strategy over stored candles of one or more symbols for a date range',
  description:
    'Queues the backtest (PENDING) and answers 201 at once; a worker thread runs it (RUNNING, `progress`), then it is ' +
    'COMPLETED with `results` or FAILED with `error`. Candles come from the store (npm run import); a timeframe that is ' +
    'not stored is aggregated from a shorter stored one (UTC-aligned buckets). Several symbols split initial_capital ' +
    'equally. Execution: fills at the next bar\'s open (or the close), commission % and per lot, spread, slippage; take-' +
    'profits and stops are checked against each bar\'s range (both touched: the stop first). Open positions at the end are ' +
    'closed at the last close (END_OF_DATA). ' +
    SUMMARY_DOC,
  input: createBacktestInput,
  output: backtestView,
  http: [{ method: 'POST', path: '/api/backtest/', envelope: ENVELOPE, status: 201 }],
  message: () => '',
});

export const getBacktest = defineProcedure({
  name: 'backtest.get',
  tag: TAG,
  summary: 'A backtest with its status, progress and results',
  description: SUMMARY_DOC,
  input: idPath,
  output: backtestView,
  http: [{ method: 'GET', path: '/api/backtest/{id}/', envelope: ENVELOPE }],
  message: () => '',
});

export const listBacktests = defineProcedure({
  name: 'backtest.list',
  tag: TAG,
  summary: 'Backtests, paginated, filtered by status and symbol, ordered (default -created_at)',
  input: listBacktestsInput,
  output: z.object({
    count: z.number().int(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(listItem),
  }),
  http: [{ method: 'GET', path: '/api/backtest/', envelope: ENVELOPE }],
  message: () => '',
});

export const deleteBacktest = defineProcedure({
  name: 'backtest.delete',
  tag: TAG,
  summary: 'Delete a backtest (a running one is cancelled first)',
  input: idPath,
  output: z.null(),
  http: [{ method: 'DELETE', path: '/api/backtest/{id}/', envelope: ENVELOPE, status: 204 }],
  message: () => '',
});

export const cancelBacktest = defineProcedure({
  name: 'backtest.cancel',
  tag: TAG,
  summary: 'Cancel a pending or running backtest; it ends FAILED with error "Cancelled by the user" and is kept',
  input: idPath,
  output: backtestView,
  http: [{ method: 'POST', path: '/api/backtest/{id}/cancel/', envelope: ENVELOPE }],
  message: () => '',
});
