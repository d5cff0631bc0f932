import { z } from 'zod';
import { defineProcedure } from './procedure';
import { idField, pairField, userIdField } from './fields';

/**
 * Sessions, dynamic trading, recovery and the live views (positions, orders, trades, events, candles), as
 * forex-echo-backend-api.md documents them from step 4 on. Strategy configs are validated by the engine against
 * each strategy's parameter table; unknown keys come back as `warnings`.
 */
const ENVELOPE = 'forex-echo' as const;
const TIMEFRAME_LIST = ['1M', '5M', '15M', '1H', '4H', '1D'] as const;

export const timeframeField = z
  .string({ error: 'timeframe must be one of 1M, 5M, 15M, 1H, 4H, 1D' })
  .trim()
  .transform((v) => ({ M1: '1M', M5: '5M', M15: '15M', H1: '1H', H4: '4H', D1: '1D' })[v.toUpperCase()] ?? v.toUpperCase())
  .pipe(z.enum(TIMEFRAME_LIST, { error: 'timeframe must be one of 1M, 5M, 15M, 1H, 4H, 1D' }));

const sessionIdField = z
  .string({ error: 'session_id must be a text id such as "abc-123"' })
  .trim()
  .min(1, 'session_id must not be empty')
  .max(64, 'session_id must be at most 64 characters');

const configField = z.record(z.string(), z.unknown(), { error: 'config must be an object of parameter: value' });

const queryInt = (field: string, max: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(0, `${field} must not be negative`)
    .max(max, `${field} must be at most ${max}`);

const taskView = z.object({
  task_id: z.number().int(),
  session_id: z.string(),
  pair: z.string(),
  timeframe: z.string(),
  strategy_name: z.string(),
  status: z.string(),
  status_reason: z.string().nullable(),
  config: z.record(z.string(), z.union([z.number(), z.boolean()])),
  capital: z.number(),
  capital_source: z.string(),
  floating_loss_threshold_pct: z.number().nullable(),
  magic_number: z.number().int(),
  broker: z.string(),
  feed_source: z.string(),
  simulated_prices: z.boolean(),
  open_positions: z.number().int(),
  floating_pnl: z.number(),
  realized_pnl: z.number(),
  trades: z.number().int(),
  last_bar_time: z.string().nullable(),
  last_price: z.number().nullable(),
  started_at: z.string(),
  stopped_at: z.string().nullable(),
});
export type TaskView = z.infer<typeof taskView>;

const sessionView = z.object({
  session_id: z.string(),
  user_id: z.string(),
  status: z.string(),
  pairs: z.array(z.string()),
  timeframes: z.array(z.string()),
  strategy_configs: z.record(z.string(), z.record(z.string(), z.unknown())),
  active_tasks: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});

const sessionPath = z.strictObject({ session_id: sessionIdField });

export const createSession = defineProcedure({
  name: 'session.create',
  tag: 'Sessions',
  summary: 'Create a trading session (a container for a user’s tasks)',
  input: z.strictObject({ user_id: userIdField }),
  output: sessionView,
  http: [{ method: 'POST', path: '/api/session/create', envelope: ENVELOPE }],
  message: (s) => `Session ${s.session_id} created for ${s.user_id}`,
});

export const sessionStatus = defineProcedure({
  name: 'session.status',
  tag: 'Sessions',
  summary: 'Status of a session with its tasks',
  input: sessionPath,
  output: sessionView.extend({ tasks: z.array(taskView) }),
  http: [{ method: 'GET', path: '/api/session/{session_id}/status', envelope: ENVELOPE }],
  message: (s) => `Session ${s.session_id}: ${s.active_tasks} active task(s)`,
});

export const addSessionPair = defineProcedure({
  name: 'session.addPair',
  tag: 'Sessions',
  summary: 'Add a pair to a session’s favorites',
  input: z.strictObject({ session_id: sessionIdField, pair: pairField }),
  output: sessionView,
  http: [{ method: 'POST', path: '/api/session/{session_id}/pairs', envelope: ENVELOPE }],
  message: (s) => `Session ${s.session_id} pairs: ${s.pairs.join(', ')}`,
});

export const removeSessionPair = defineProcedure({
  name: 'session.removePair',
  tag: 'Sessions',
  summary: 'Remove a pair from a session’s favorites',
  input: z.strictObject({ session_id: sessionIdField, pair: pairField }),
  output: sessionView,
  http: [{ method: 'DELETE', path: '/api/session/{session_id}/pairs/{pair}', envelope: ENVELOPE }],
  message: (s) => `Session ${s.session_id} pairs: ${s.pairs.join(', ') || 'none'}`,
});

export const addSessionTimeframe = defineProcedure({
  name: 'session.addTimeframe',
  tag: 'Sessions',
  summary: 'Add a timeframe to a session’s favorites',
  input: z.strictObject({ session_id: sessionIdField, timeframe: timeframeField }),
  output: sessionView,
  http: [{ method: 'POST', path: '/api/session/{session_id}/timeframes', envelope: ENVELOPE }],
  message: (s) => `Session ${s.session_id} timeframes: ${s.timeframes.join(', ')}`,
});

export const setSessionStrategy = defineProcedure({
  name: 'session.setStrategy',
  tag: 'Sessions',
  summary: 'Save a strategy configuration in a session (validated; used as defaults when starting)',
  input: z.strictObject({ session_id: sessionIdField, strategy_name: z.string().trim().min(1), config: configField.default({}) }),
  output: sessionView.extend({ warnings: z.array(z.string()) }),
  http: [{ method: 'POST', path: '/api/session/{session_id}/strategies', envelope: ENVELOPE }],
  message: (s) => `Strategy configuration saved in session ${s.session_id}`,
});

export const activeSessions = defineProcedure({
  name: 'session.active',
  tag: 'Sessions',
  summary: 'All active sessions',
  input: z.object({}),
  output: z.object({ sessions: z.array(sessionView), count: z.number().int() }),
  http: [{ method: 'GET', path: '/api/session/active', envelope: ENVELOPE }],
  message: (o) => `${o.count} active session(s)`,
});

const paramSpec = z.object({
  key: z.string(),
  type: z.enum(['int', 'float', 'bool']),
  default: z.union([z.number(), z.boolean()]),
  min: z.number().optional(),
  max: z.number().optional(),
  unit: z.string().optional(),
  description: z.string(),
  by_timeframe: z
    .record(z.string(), z.union([z.number(), z.boolean()]))
    .optional()
    .describe('defaults that differ by timeframe (1M, 5M, 15M, 1H, 4H, 1D), used by backtests and research when no value is given'),
});

export const availablePairs = defineProcedure({
  name: 'trading.availablePairs',
  tag: 'Dynamic trading',
  summary: 'Pairs the engine can trade, with their instrument data',
  input: z.object({}),
  output: z.object({
    pairs: z.array(
      z.object({
        symbol: z.string(),
        asset_class: z.string(),
        digits: z.number().int(),
        point: z.number(),
        pip_size: z.number(),
        contract_size: z.number(),
        min_lot: z.number(),
        lot_step: z.number(),
        max_lot: z.number(),
        feed_source: z.string(),
      }),
    ),
    groups: z.record(z.string(), z.array(z.string())),
  }),
  http: [{ method: 'GET', path: '/api/dynamic-trading/pairs/available', envelope: ENVELOPE }],
  message: (o) => `${o.pairs.length} pairs available`,
});

export const availableTimeframes = defineProcedure({
  name: 'trading.availableTimeframes',
  tag: 'Dynamic trading',
  summary: 'Timeframes a task can run on',
  input: z.object({}),
  output: z.object({ timeframes: z.array(z.object({ code: z.string(), name: z.string(), seconds: z.number().int() })) }),
  http: [{ method: 'GET', path: '/api/dynamic-trading/timeframes/available', envelope: ENVELOPE }],
  message: () => 'Available timeframes',
});

export const availableStrategies = defineProcedure({
  name: 'trading.availableStrategies',
  tag: 'Dynamic trading',
  summary: 'Built-in strategies with every parameter, its default, range and meaning',
  input: z.object({}),
  output: z.object({
    strategies: z.array(z.object({ name: z.string(), title: z.string(), description: z.string(), parameters: z.array(paramSpec) })),
  }),
  http: [{ method: 'GET', path: '/api/dynamic-trading/strategies/available', envelope: ENVELOPE }],
  message: (o) => `${o.strategies.length} strategies available`,
});

export const startTask = defineProcedure({
  name: 'trading.start',
  tag: 'Dynamic trading',
  summary: 'Start a trading task (session, pair, timeframe, strategy, config)',
  description:
    'The config is checked against the strategy’s parameter table (types and ranges); parameters left out take their defaults; ' +
    'keys the strategy does not know are named in `warnings`. The task draws its capital from the pair’s allocation in the ' +
    'session user’s portfolio where one exists. `strategy_name` defaults to gold_buy_dip.',
  input: z.strictObject({
    session_id: sessionIdField,
    pair: pairField,
    timeframe: timeframeField.default('15M'),
    strategy_name: z.string().trim().min(1).default('gold_buy_dip'),
    config: configField.default({}),
    allocation_strategy: z.string().trim().min(1).optional(),
    broker: z
      .string()
      .trim()
      .regex(/^(paper|mt5|ccxt:[A-Za-z0-9_-]+)$/, 'broker must be "paper", "mt5" or "ccxt:<account id>"')
      .optional(),
  }),
  output: z.object({ task: taskView, warnings: z.array(z.string()), reconciled: z.array(z.string()) }),
  http: [{ method: 'POST', path: '/api/dynamic-trading/{session_id}/start', envelope: ENVELOPE }],
  message: (o) =>
    `Started ${o.task.strategy_name} on ${o.task.pair} ${o.task.timeframe} (task ${o.task.task_id})` +
    (o.task.simulated_prices ? ' on SIMULATED prices' : o.task.feed_source === 'replay' ? ' on replayed history' : '') +
    (o.warnings.length ? `; ${o.warnings.length} warning(s)` : ''),
});

export const stopTask = defineProcedure({
  name: 'trading.stop',
  tag: 'Dynamic trading',
  summary: 'Stop trading tasks of a session (by pair, optionally timeframe and strategy); closes their positions by default',
  input: z.strictObject({
    session_id: sessionIdField,
    pair: pairField,
    timeframe: timeframeField.optional(),
    strategy_name: z.string().trim().min(1).optional(),
    close_positions: z.boolean({ error: 'close_positions must be true or false' }).default(true),
  }),
  output: z.object({ stopped: z.array(taskView) }),
  http: [{ method: 'POST', path: '/api/dynamic-trading/{session_id}/stop', envelope: ENVELOPE }],
  message: (o) => `Stopped ${o.stopped.length} task(s)`,
});

export const sessionTasks = defineProcedure({
  name: 'trading.tasks',
  tag: 'Dynamic trading',
  summary: 'Active trading tasks of a session with live figures',
  input: z.strictObject({ session_id: sessionIdField, include_stopped: z.stringbool().optional() }),
  output: z.object({ tasks: z.array(taskView), count: z.number().int(), max_tasks: z.number().int() }),
  http: [{ method: 'GET', path: '/api/dynamic-trading/{session_id}/tasks', envelope: ENVELOPE }],
  message: (o) => `${o.count} task(s)`,
});

const barView = z.object({ time: z.string(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() });

export const marketData = defineProcedure({
  name: 'trading.marketData',
  tag: 'Dynamic trading',
  summary: 'Recent bars of a pair and timeframe, as the session’s tasks see them',
  input: z.strictObject({ session_id: sessionIdField, pair: pairField, timeframe: timeframeField, count: queryInt('count', 5000).optional() }),
  output: z.object({
    pair: z.string(),
    timeframe: z.string(),
    source: z.string(),
    simulated: z.boolean(),
    last_price: z.number().nullable(),
    bars: z.array(barView),
  }),
  http: [{ method: 'GET', path: '/api/dynamic-trading/{session_id}/market-data/{pair}/{timeframe}', envelope: ENVELOPE }],
  message: (o) => `${o.bars.length} ${o.pair} ${o.timeframe} bars from ${o.simulated ? 'the SIMULATED market' : o.source}`,
});

export const candles = defineProcedure({
  name: 'market.candles',
  tag: 'Market data',
  summary: 'Candles of a symbol for a time window (columnar, for charts): only what is asked for is sent',
  input: z.strictObject({
    symbol: pairField,
    timeframe: timeframeField,
    from: queryInt('from', Number.MAX_SAFE_INTEGER).optional(),
    to: queryInt('to', Number.MAX_SAFE_INTEGER).optional(),
    limit: queryInt('limit', 20_000).default(2_000),
    /**
     * "market" (default): up to the symbol's market clock, ending with the bar still forming (what trading sees);
     * "stored": the stored history over [from, to] wherever the replay is (research: a backtest's whole range).
     */
    range: z.enum(['market', 'stored']).optional(),
  }),
  output: z.object({
    symbol: z.string(),
    timeframe: z.string(),
    source: z.string(),
    simulated: z.boolean(),
    /** Why no candles came back (a timeframe finer than the stored one, nothing stored in the window), when none did. */
    note: z.string().optional(),
    time: z.array(z.number()),
    open: z.array(z.number()),
    high: z.array(z.number()),
    low: z.array(z.number()),
    close: z.array(z.number()),
    volume: z.array(z.number()),
    first_time: z.number().nullable(),
    last_time: z.number().nullable(),
  }),
  http: [{ method: 'GET', path: '/api/market/candles', envelope: ENVELOPE }],
  message: (o) => `${o.time.length} candles`,
});

const positionView = z.object({
  position_id: z.string(),
  task_id: z.number().int(),
  symbol: z.string(),
  side: z.string(),
  lots: z.number(),
  entry_price: z.number(),
  entry_time: z.string(),
  take_profit: z.number().nullable(),
  stop_loss: z.number().nullable(),
  magic: z.number().int(),
  client_order_id: z.string(),
  current_price: z.number().nullable(),
  floating_pnl: z.number().nullable(),
});

export const positions = defineProcedure({
  name: 'trading.positions',
  tag: 'Live trading',
  summary: 'Open positions, with their floating result at the last price',
  input: z.strictObject({ session_id: sessionIdField.optional(), task_id: queryInt('task_id', Number.MAX_SAFE_INTEGER).optional() }),
  output: z.object({ positions: z.array(positionView), floating_pnl: z.number() }),
  http: [{ method: 'GET', path: '/api/trading/positions', envelope: ENVELOPE }],
  message: (o) => `${o.positions.length} open position(s)`,
});

export const orders = defineProcedure({
  name: 'trading.orders',
  tag: 'Live trading',
  summary: 'The order journal: every order intent, written with its client order id before it was sent',
  input: z.strictObject({ task_id: queryInt('task_id', Number.MAX_SAFE_INTEGER).optional(), limit: queryInt('limit', 10_000).default(500) }),
  output: z.object({
    orders: z.array(
      z.object({
        client_order_id: z.string(),
        task_id: z.number().int(),
        symbol: z.string(),
        side: z.string(),
        lots: z.number(),
        kind: z.enum(['open', 'close']),
        status: z.string(),
        reason: z.string(),
        decided_at: z.string(),
        fill_price: z.number().nullable(),
        filled_at: z.string().nullable(),
        take_profit: z.number().nullable(),
        stop_loss: z.number().nullable(),
        error: z.string().nullable(),
      }),
    ),
  }),
  http: [{ method: 'GET', path: '/api/trading/orders', envelope: ENVELOPE }],
  message: (o) => `${o.orders.length} order(s)`,
});

export const trades = defineProcedure({
  name: 'trading.trades',
  tag: 'Live trading',
  summary: 'Closed trades, newest first',
  input: z.strictObject({ task_id: queryInt('task_id', Number.MAX_SAFE_INTEGER).optional(), limit: queryInt('limit', 10_000).default(500) }),
  output: z.object({
    trades: z.array(
      z.object({
        position_id: z.string(),
        task_id: z.number().int(),
        symbol: z.string(),
        side: z.string(),
        lots: z.number(),
        entry_price: z.number(),
        entry_time: z.string(),
        exit_price: z.number(),
        exit_time: z.string(),
        exit_reason: z.string(),
        pnl: z.number(),
        commission: z.number(),
      }),
    ),
    /** Net P&L of ALL the matching trades (summed by the database), not only of the rows listed. */
    total_pnl: z.number(),
    /** How many trades match (all of them, counted by the database). */
    total_count: z.number().int(),
    /** true when `trades` holds only the newest `limit` of `total_count`. */
    capped: z.boolean(),
  }),
  http: [{ method: 'GET', path: '/api/trading/trades', envelope: ENVELOPE }],
  message: (o) => (o.capped ? `showing the latest ${o.trades.length} of ${o.total_count} trades` : `${o.trades.length} trade(s)`),
});

export const events = defineProcedure({
  name: 'trading.events',
  tag: 'Live trading',
  summary: 'Engine events: fills, closes, risk breaches, task changes (poll with after_id)',
  input: z.strictObject({
    after_id: queryInt('after_id', Number.MAX_SAFE_INTEGER).optional(),
    task_id: queryInt('task_id', Number.MAX_SAFE_INTEGER).optional(),
    limit: queryInt('limit', 1000).default(100),
  }),
  output: z.object({
    events: z.array(
      z.object({
        id: z.number().int(),
        time: z.string(),
        type: z.string(),
        severity: z.string(),
        task_id: z.number().int().nullable(),
        code: z.string().nullable(),
        message: z.string(),
      }),
    ),
  }),
  http: [{ method: 'GET', path: '/api/trading/events', envelope: ENVELOPE }],
  message: (o) => `${o.events.length} event(s)`,
});

export const feedSettings = defineProcedure({
  name: 'market.feedSettings',
  tag: 'Market data',
  summary: 'Replay/simulation speed of the offline feed (bars per second per task)',
  input: z.strictObject({ bars_per_second: z.number().gt(0).max(10_000).optional() }),
  output: z.object({ bars_per_second: z.number(), broker: z.string(), note: z.string() }),
  http: [{ method: 'POST', path: '/api/market/feed', envelope: ENVELOPE }],
  message: (o) => `Feed speed ${o.bars_per_second} bars/s`,
});

const recoverySession = sessionView.extend({ tasks: z.array(taskView) });

export const userSessions = defineProcedure({
  name: 'recovery.userSessions',
  tag: 'Recovery',
  summary: 'A user’s sessions with their tasks, from the database',
  input: z.strictObject({ user_id: userIdField }),
  output: z.object({ user_id: z.string(), sessions: z.array(recoverySession), count: z.number().int() }),
  http: [{ method: 'GET', path: '/api/recovery/user/{user_id}/sessions', envelope: ENVELOPE }],
  message: (o) => `${o.count} session(s) of ${o.user_id}`,
});

export const sessionTasksFromDb = defineProcedure({
  name: 'recovery.sessionTasks',
  tag: 'Recovery',
  summary: 'Every task of a session as stored (running, paused, stopped, failed)',
  input: sessionPath,
  output: z.object({ session_id: z.string(), tasks: z.array(taskView), count: z.number().int() }),
  http: [{ method: 'GET', path: '/api/recovery/session/{session_id}/tasks', envelope: ENVELOPE }],
  message: (o) => `${o.count} stored task(s)`,
});

const recoveryResult = z.object({
  resumed: z.array(taskView),
  failed: z.array(z.object({ task_id: z.number().int(), error: z.string() })),
  already_running: z.number().int(),
});

export const recoverSession = defineProcedure({
  name: 'recovery.recoverSession',
  tag: 'Recovery',
  summary: 'Resume a session’s tasks after a restart (reconciled with the broker first); include_paused also resumes paused/failed ones',
  input: z.strictObject({ session_id: sessionIdField, include_paused: z.boolean().default(false) }),
  output: recoveryResult,
  http: [{ method: 'POST', path: '/api/recovery/session/{session_id}', envelope: ENVELOPE }],
  message: (o) => `Resumed ${o.resumed.length} task(s)${o.failed.length ? `, ${o.failed.length} could not resume` : ''}`,
});

export const autoRecover = defineProcedure({
  name: 'recovery.autoRecover',
  tag: 'Recovery',
  summary: 'Resume every session of a user',
  input: z.strictObject({ user_id: userIdField, include_paused: z.boolean().default(false) }),
  output: recoveryResult,
  http: [{ method: 'POST', path: '/api/recovery/auto-recover', envelope: ENVELOPE }],
  message: (o) => `Resumed ${o.resumed.length} task(s)${o.failed.length ? `, ${o.failed.length} could not resume` : ''}`,
});


const orderView = orders.output.shape.orders.element;
const tradeView = trades.output.shape.trades.element;

const sideField = z
  .string({ error: 'side must be BUY or SELL' })
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.enum(['BUY', 'SELL'], { error: 'side must be BUY or SELL' }));

export const placeOrder = defineProcedure({
  name: 'trading.placeOrder',
  tag: 'Live trading',
  summary: 'A manual market order (Buy / Sell) on a running task, journaled and risk-checked like the strategy’s own',
  description:
    'The order goes through the task: its instrument’s lot rules (minimum, step, maximum; lots are never rounded for you), ' +
    'the same risk checks as the strategy’s orders, the order journal (written with its client order id before it is sent) ' +
    'and the task’s broker (paper, ccxt or MT5). The answer waits briefly for the fill: `status` is `filled` with its ' +
    '`position`, or `submitted` when the broker has not filled it yet (on the paper broker it fills at the next bar’s open).',
  input: z.strictObject({
    task_id: z.coerce.number({ error: 'task_id must be a task number' }).int('task_id must be a whole number').positive('task_id must be positive'),
    side: sideField,
    lots: z.number({ error: 'lots must be a number such as 0.01' }).positive('lots must be more than 0'),
  }),
  output: z.object({ order: orderView, position: positionView.nullable() }),
  http: [{ method: 'POST', path: '/api/trading/orders', envelope: ENVELOPE }],
  message: (o) =>
    `${o.order.side} ${o.order.lots} ${o.order.symbol} ${o.order.status === 'filled' ? `filled at ${o.order.fill_price}` : o.order.status} (${o.order.client_order_id})`,
});

export const closePosition = defineProcedure({
  name: 'trading.closePosition',
  tag: 'Live trading',
  summary: 'Close one open position at market, by hand (a journaled close order through its task)',
  input: z.strictObject({ position_id: z.string().trim().min(1, 'position_id must not be empty').max(64) }),
  output: z.object({ order: orderView.nullable(), trade: tradeView.nullable() }),
  http: [{ method: 'POST', path: '/api/trading/positions/{position_id}/close', envelope: ENVELOPE }],
  message: (o) =>
    o.trade
      ? `Position ${o.trade.position_id} closed at ${o.trade.exit_price}: ${o.trade.pnl >= 0 ? '+' : ''}${o.trade.pnl.toFixed(2)}`
      : `Close order ${o.order?.client_order_id ?? ''} sent; it fills at the next price`,
});
