import { z } from 'zod';
import { backtestTimeframeField } from './backtest';
import { idField, MAX_MONEY } from './fields';
import { defineProcedure } from './procedure';
import { queryInt, signalTypeField, symbolField } from './signals';

/**
 * Paper trading, as binance-trading-bot-api.md documents it (/api/paper-trading/...), on the live engine and its
 * paper broker. Enable starts a run: one trading task per symbol (the strategy and timeframe given, by default the
 * document's confluence strategy on 4h) in a session of its own, sharing one account of initial_capital. Disable
 * stops the tasks and closes every position at its last price. Responses are the documented bodies.
 *
 * Money is USD. Figures (performance):
 * - total_pnl: realized P&L of the run's closed trades, net of commissions; current_capital = initial_capital + total_pnl;
 * - equity = current_capital + unrealized P&L of the open positions at their last price; roi = total_pnl / initial_capital × 100;
 * - winning/losing trades: P&L > 0 / < 0; win_rate = winning / total × 100; profit_factor = gross profit / |gross loss|
 *   (null without a losing trade); avg_win/avg_loss: mean P&L of the winners/losers; largest_win/largest_loss: best/worst trade;
 * - available_capital = current_capital − the entry value of the open positions (cash not tied up in positions);
 * - max_drawdown: the largest fall, in % of the running peak, of the equity after each closed trade (the current equity
 *   included as the last point);
 * - sharpe_ratio: mean / sample standard deviation of the daily returns of that equity (UTC days of the market clock,
 *   from the start to the last close) × √365; null with fewer than 2 days or no variation.
 */
const ENVELOPE = 'binance-trading-bot' as const;
const TAG = 'Paper trading';

export const PAPER_EXIT_REASONS = [
  'TAKE_PROFIT', 'STOP_LOSS', 'TRAILING_STOP', 'SIGNAL', 'SERIES_TAKE_PROFIT', 'MAX_DRAWDOWN', 'FLOATING_LOSS_THRESHOLD', 'MANUAL',
  'TASK_STOPPED', 'END_OF_DATA',
] as const;

export const enablePaperTradingInput = z.strictObject({
  initial_capital: z
    .number({ error: 'initial_capital must be a number such as 10000' })
    .finite()
    .positive('initial_capital must be greater than 0')
    .max(MAX_MONEY, 'initial_capital is too large')
    .default(10_000),
  position_size_percent: z
    .number({ error: 'position_size_percent must be a number from 0 to 100' })
    .finite()
    .gt(0, 'position_size_percent must be greater than 0')
    .max(100, 'position_size_percent cannot exceed 100')
    .default(10)
    .describe("each position's value at entry, in % of the account's equity"),
  max_open_positions: z
    .number({ error: 'max_open_positions must be a whole number such as 3' })
    .int('max_open_positions must be a whole number')
    .min(1, 'max_open_positions must be at least 1')
    .max(100, 'max_open_positions must be at most 100')
    .default(3)
    .describe('positions open (or opening) at once across all symbols'),
  auto_close_on_sl_tp: z
    .boolean({ error: 'auto_close_on_sl_tp must be true or false' })
    .default(true)
    .describe('true: positions close at their stop-loss/take-profit; false: none is placed (positions close by signal, by hand or on disable)'),
  symbols: z
    .array(symbolField, { error: 'symbols must be a list such as ["BTCUSDT", "ETHUSDT"]' })
    .min(1, 'symbols must name at least one symbol')
    .max(20, 'at most 20 symbols')
    .refine((list) => new Set(list).size === list.length, 'symbols must not repeat a symbol')
    .default(['BTCUSDT'])
    .describe('one trading task per symbol (default ["BTCUSDT"])'),
  timeframe: backtestTimeframeField.default('4h'),
  strategy: z
    .string({ error: 'strategy must be a name such as "confluence", "simple_ma" or "gold_buy_dip"' })
    .trim()
    .toLowerCase()
    .optional()
    .describe('built-in strategy; default confluence (the document’s), simple_ma where it is not available'),
  strategy_params: z
    .record(z.string(), z.union([z.number(), z.boolean()]), { error: 'strategy_params must be an object of parameter: number' })
    .default({})
    .describe("the strategy's parameters (missing ones take their defaults; unknown ones come back in warnings)"),
});

const settingsView = z.object({
  initial_capital: z.number(),
  position_size_percent: z.number(),
  max_open_positions: z.number().int(),
  auto_close_on_sl_tp: z.boolean(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  strategy: z.string(),
  strategy_params: z.record(z.string(), z.unknown()),
});

const positionView = z.object({
  id: z.number().int(),
  signal_id: z.number().int().nullable().describe('the signal whose order opened it (null for a grid add without a signal)'),
  symbol: z.string(),
  direction: z.enum(['LONG', 'SHORT']),
  entry_price: z.number(),
  current_price: z.number().nullable(),
  position_size: z.number().describe('units of the base (coins, ounces, ...) = lots × contract size'),
  position_value: z.number().describe('position_size × entry_price, USD'),
  stop_loss: z.number().nullable(),
  take_profit: z.number().nullable(),
  unrealized_pnl: z.number().nullable().describe('at current_price, net of the entry commission, USD'),
  unrealized_pnl_percent: z.number().nullable().describe('unrealized_pnl / position_value × 100'),
  opened_at: z.string(),
  duration_hours: z.number().nullable().describe('market time from opened_at to the close of the last bar'),
  task_id: z.number().int(),
});

const closedView = z.object({
  id: z.number().int(),
  signal_id: z.number().int().nullable(),
  symbol: z.string(),
  direction: z.enum(['LONG', 'SHORT']),
  entry_price: z.number(),
  exit_price: z.number(),
  position_size: z.number(),
  realized_pnl: z.number().describe('net of both commissions, USD'),
  realized_pnl_percent: z.number().describe('realized_pnl / (position_size × entry_price) × 100'),
  exit_reason: z.string().describe(`one of ${PAPER_EXIT_REASONS.join(', ')} (TASK_STOPPED: closed when paper trading was disabled)`),
  opened_at: z.string(),
  closed_at: z.string(),
  duration_hours: z.number(),
  task_id: z.number().int(),
});
export type PaperClosedView = z.infer<typeof closedView>;
export type PaperPositionView = z.infer<typeof positionView>;

export const enablePaperTrading = defineProcedure({
  name: 'paperTrading.enable',
  tag: TAG,
  summary: 'Enable paper trading: one task per symbol on the paper broker, sharing one account',
  description:
    'Documented settings: initial_capital (10000), position_size_percent (10), max_open_positions (3), auto_close_on_sl_tp (true). ' +
    'Also: symbols (["BTCUSDT"]), timeframe (4h), strategy (confluence, else simple_ma), strategy_params. 409 when already enabled.',
  input: enablePaperTradingInput,
  output: z.object({
    message: z.string(),
    settings: settingsView,
    started_at: z.string(),
    session_id: z.string(),
    tasks: z.array(z.object({ task_id: z.number().int(), symbol: z.string(), timeframe: z.string(), strategy: z.string(), status: z.string(), feed_source: z.string() })),
    warnings: z.array(z.string()),
  }),
  http: [{ method: 'POST', path: '/api/paper-trading/enable', envelope: ENVELOPE }],
  message: () => '',
});

export const disablePaperTrading = defineProcedure({
  name: 'paperTrading.disable',
  tag: TAG,
  summary: 'Disable paper trading: stop its tasks, closing every position at its last price',
  input: z.strictObject({}),
  output: z.object({
    message: z.string(),
    closed_positions: z.number().int(),
    final_capital: z.number().describe('initial_capital + total_pnl'),
    total_pnl: z.number().describe('realized P&L of the run, USD'),
    started_at: z.string(),
    stopped_at: z.string(),
  }),
  http: [{ method: 'POST', path: '/api/paper-trading/disable', envelope: ENVELOPE }],
  message: () => '',
});

export const paperPerformance = defineProcedure({
  name: 'paperTrading.performance',
  tag: TAG,
  summary: 'Performance of the current paper-trading run (else the last one)',
  description: 'Definitions of every figure are in the contract file (paper-trading.ts) and the README.',
  input: z.strictObject({}),
  output: z.object({
    enabled: z.boolean(),
    initial_capital: z.number(),
    current_capital: z.number(),
    total_pnl: z.number(),
    roi: z.number(),
    total_trades: z.number().int(),
    winning_trades: z.number().int(),
    losing_trades: z.number().int(),
    win_rate: z.number(),
    profit_factor: z.number().nullable(),
    avg_win: z.number(),
    avg_loss: z.number(),
    largest_win: z.number(),
    largest_loss: z.number(),
    active_positions: z.number().int(),
    available_capital: z.number(),
    equity: z.number(),
    unrealized_pnl: z.number(),
    max_drawdown: z.number(),
    sharpe_ratio: z.number().nullable(),
    started_at: z.string().nullable(),
    stopped_at: z.string().nullable(),
  }),
  http: [{ method: 'GET', path: '/api/paper-trading/performance', envelope: ENVELOPE }],
  message: () => '',
});

export const paperPositions = defineProcedure({
  name: 'paperTrading.positions',
  tag: TAG,
  summary: 'Open paper-trading positions at their last price',
  input: z.strictObject({}),
  output: z.object({ count: z.number().int(), positions: z.array(positionView) }),
  http: [{ method: 'GET', path: '/api/paper-trading/positions', envelope: ENVELOPE }],
  message: () => '',
});

export const paperHistory = defineProcedure({
  name: 'paperTrading.history',
  tag: TAG,
  summary: 'Closed paper-trading positions of every run, newest first',
  input: z.strictObject({
    page: queryInt('page', 1, 1_000_000).default(1),
    page_size: queryInt('page_size', 1, 100).default(20),
    symbol: symbolField.optional(),
    direction: signalTypeField('direction').optional(),
    exit_reason: z
      .string()
      .trim()
      .toUpperCase()
      .pipe(z.enum(PAPER_EXIT_REASONS, { error: `exit_reason must be one of ${PAPER_EXIT_REASONS.join(', ')}` }))
      .optional(),
  }),
  output: z.object({ count: z.number().int(), next: z.string().nullable(), previous: z.string().nullable(), results: z.array(closedView) }),
  http: [{ method: 'GET', path: '/api/paper-trading/history', envelope: ENVELOPE }],
  message: () => '',
});

export const closePaperPosition = defineProcedure({
  name: 'paperTrading.closePosition',
  tag: TAG,
  summary: 'Close one open paper position now (a journaled close order; it fills at the next bar)',
  input: z.strictObject({ id: z.coerce.number({ error: 'id must be a whole number such as 789' }).pipe(idField('id')) }),
  output: z.object({
    message: z.string(),
    position: closedView.pick({
      id: true, symbol: true, direction: true, entry_price: true, exit_price: true, realized_pnl: true, realized_pnl_percent: true,
      exit_reason: true, closed_at: true, signal_id: true, position_size: true, opened_at: true,
    }),
  }),
  http: [{ method: 'POST', path: '/api/paper-trading/positions/{id}/close', envelope: ENVELOPE }],
  message: () => '',
});
