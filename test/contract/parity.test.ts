import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteCandleStore } from '../../src/adapters/persistence/sqlite/candle-store';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from '../../src/adapters/persistence/sqlite/database';
import { loadCandles } from '../kit/candles';
import { createIpcInvokeHandler } from '../../src/main/ipc-router';
import { callResultFromEnvelope } from '../../src/shared/contract/envelope';
import { toHttpRequest } from '../../src/shared/contract/http-mapping';
import { procedures, type ProcedureName } from '../../src/shared/contract/index';
import type { CallResult } from '../../src/shared/contract/invoke';
import { createDirectApi, type DirectApi } from '../kit/direct';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The same calls through the three transports — a direct handler call, the HTTP server, the Electron IPC router —
 * each against its own fresh database, must give the same results, refusals included.
 */
/** A case may depend on what the same transport answered before (the session it created). */
type Case = [ProcedureName, unknown | ((state: TransportState) => unknown)];
interface TransportState {
  sessionId?: string;
}
const RESEARCH_BASE = {
  symbols: ['XAGUSD'],
  timeframe: '1h',
  start_date: '2019-01-01T00:00:00Z',
  end_date: '2019-06-01T00:00:00Z',
  strategy: 'simple_ma',
  initial_capital: 10_000,
  sizing: 'fixed_lots',
  position_size: 0.1,
};
const withSession = (build: (sessionId: string) => Record<string, unknown>) => (state: TransportState) => build(state.sessionId ?? 'missing');

const cases: Case[] = [
  ['capital.createPortfolio', { user_id: 'parity', total_capital: 50_000 }],
  ['capital.createPortfolio', { user_id: 'parity', total_capital: 1 }],
  ['capital.createPortfolio', { user_id: 'bad user!', total_capital: 'lots' }],
  ['capital.allocateStrategy', { portfolio_id: 1, strategy_name: 'Major Pairs', allocation_amount: 35_000 }],
  ['capital.allocateStrategy', { user_id: 'parity', strategy_name: 'Gold Scalping', allocation_percentage: 30 }],
  ['capital.allocateStrategy', { user_id: 'parity', strategy_name: 'Extra', allocation_percentage: 1 }],
  ['capital.allocateStrategy', { user_id: 'parity', strategy_name: 'major pairs', allocation_amount: 1 }],
  ['capital.allocateStrategy', { portfolio_id: 9, strategy_name: 'X', allocation_amount: 1 }],
  ['capital.allocateStrategy', { portfolio_id: 1, strategy_name: 'X', allocation_amount: 1, allocation_percentage: 1 }],
  ['capital.addPairs', { user_id: 'parity', strategy_name: 'Major Pairs', pairs: ['EURUSD', 'GBPUSD', 'USDJPY'] }],
  ['capital.allocatePairs', { strategy_allocation_id: 2, pair_allocations: [{ pair: 'XAUUSD', amount: 15_000.01 }] }],
  ['capital.allocatePairs', { strategy_allocation_id: 2, pair_allocations: [{ pair: 'XAUUSD', percentage: 100, floating_loss_threshold_pct: 15 }] }],
  ['capital.allocatePairs', { strategy_allocation_id: 2, pair_allocations: [] }],
  ['capital.listPortfolios', {}],
  ['capital.getDashboard', { user_id: 'parity' }],
  ['capital.getDashboard', { user_id: 'nobody' }],
  ['capital.getRiskStatus', { user_id: 'parity' }],
  ['capital.resetPortfolio', { user_id: 'parity' }],
  ['capital.resetPortfolio', { user_id: 'parity' }],
  ['system.health', {}],
  ['market7.health', {}],
  ['market7.status', {}],
  ['metrics.all', {}],
  ['metrics.trading', {}],
  ['metrics.ml', {}],
  ['metrics.system', {}],
  ['session.create', { user_id: 'parity' }],
  ['session.create', { user_id: 'no spaces allowed' }],
  ['session.addPair', withSession((id) => ({ session_id: id, pair: 'xauusd' }))],
  ['session.addTimeframe', withSession((id) => ({ session_id: id, timeframe: 'M15' }))],
  ['session.addTimeframe', withSession((id) => ({ session_id: id, timeframe: '2H' }))],
  ['session.removePair', withSession((id) => ({ session_id: id, pair: 'EURUSD' }))],
  ['session.setStrategy', withSession((id) => ({ session_id: id, strategy_name: 'gold_buy_dip', config: { lot_size: 0.02, typo_key: 1 } }))],
  ['session.setStrategy', withSession((id) => ({ session_id: id, strategy_name: 'gold_buy_dip', config: { lot_size: -1 } }))],
  ['session.status', withSession((id) => ({ session_id: id }))],
  ['session.status', { session_id: 'nope' }],
  ['session.active', {}],
  ['trading.availablePairs', {}],
  ['trading.availableTimeframes', {}],
  ['trading.availableStrategies', {}],
  ['trading.start', withSession((id) => ({ session_id: id, pair: 'XAUUSD', timeframe: '1H', strategy_name: 'gold_buy_dip', config: { lookback_candles: 30 } }))],
  ['trading.start', withSession((id) => ({ session_id: id, pair: 'XAUUSD', timeframe: '1H', strategy_name: 'gold_buy_dip' }))],
  ['trading.start', withSession((id) => ({ session_id: id, pair: 'EURGBP', timeframe: '1H', strategy_name: 'simple_ma' }))],
  ['trading.start', withSession((id) => ({ session_id: id, pair: 'EURUSD', strategy_name: 'no_such_strategy' }))],
  ['trading.tasks', withSession((id) => ({ session_id: id }))],
  ['trading.marketData', withSession((id) => ({ session_id: id, pair: 'XAUUSD', timeframe: '1H', count: 5 }))],
  ['market.candles', { symbol: 'EURUSD', timeframe: '1D', limit: 3 }],
  ['market.feedSettings', {}],
  ['market.overlays', { task_id: 1, limit: 5 }],
  ['market.overlays', { task_id: 999, limit: 5 }],
  ['trading.positions', {}],
  ['trading.orders', { limit: 5 }],
  ['trading.trades', {}],
  ['trading.events', { limit: 5 }],
  ['trading.placeOrder', { task_id: 9_999, side: 'BUY', lots: 0.01 }],
  ['trading.placeOrder', { task_id: 1, side: 'HOLD', lots: 0 }],
  ['trading.closePosition', { position_id: 'NOPE-1' }],
  ['recovery.userSessions', { user_id: 'parity' }],
  ['recovery.sessionTasks', withSession((id) => ({ session_id: id }))],
  ['recovery.recoverSession', withSession((id) => ({ session_id: id }))],
  ['recovery.autoRecover', { user_id: 'parity' }],
  ['trading.stop', withSession((id) => ({ session_id: id, pair: 'XAUUSD' }))],
  ['trading.stop', withSession((id) => ({ session_id: id, pair: 'XAUUSD' }))],
  ['customStrategies.create', { name: 'India Session Breakout', type: 'Breakout', timeframe: '15M', preferred_pairs: 'XAUUSD', risk_reward_ratio_target: 2.0, max_drawdown_tolerance: 5.0 }],
  ['customStrategies.create', { name: 'London Open Scalp', entry_conditions: 'Price momentum at London open', risk_reward_ratio_target: 2.0 }],
  ['customStrategies.create', { name: 'india SESSION breakout' }],
  ['customStrategies.create', { name: '', timeframe: '2H', risk_reward_ratio_target: 50 }],
  ['customStrategies.list', {}],
  ['customStrategies.get', { strategy_id: 1 }],
  ['customStrategies.get', { strategy_id: 99 }],
  ['customStrategies.update', { strategy_id: 1, risk_reward_ratio_target: 2.5, max_drawdown_tolerance: 3.0 }],
  ['customStrategies.update', { strategy_id: 2, name: 'INDIA session breakout' }],
  ['customStrategies.update', { strategy_id: 1 }],
  ['customStrategies.use', withSession((id) => ({ strategy_id: 1, session_id: id, pair: 'XAUUSD', timeframe: '15M' }))],
  ['customStrategies.use', { strategy_id: 2 }],
  ['customStrategies.delete', { strategy_id: 2 }],
  ['customStrategies.delete', { strategy_id: 2 }],
  // MetaTrader 5 without a terminal: the status always answers, the rest is a clear 409; nothing here opens the bridge.
  ['mt5.status', {}],
  ['mt5.symbols', {}],
  ['mt5.accountInfo', {}],
  ['mt5.connect', { login: 'abc', password: '', server: '' }],
  ['mt5.connect', { login: 12345678, password: 'secret', server: 'MetaQuotes-Demo', session_id: 'no-such-session' }],
  ['mt5.disconnect', {}],
  ['mt5.terminals', {}],
  ['mt5.allowTerminals', { allowed: ['/usr/bin/env'] }],
  ['mt5.connect', { login: 12345678, server: 'MetaQuotes-Demo', terminal_path: '/tmp/evil/terminal64.exe' }],
  // A rotation would change each transport's token mid-run: only the refusal of a malformed call is compared.
  ['system.rotateApiToken', { confirm: true }],
  // Exchange accounts (trading-application envelope). Only answers that need no keychain and no exchange.
  ['accounts.list', {}],
  ['accounts.list', { skip: 0, limit: 501 }],
  ['accounts.create', { exchange: 'binanse', api_key: 'k'.repeat(24), api_secret: 's'.repeat(24) }],
  ['accounts.create', { exchange: 'kraken', api_key: 'k'.repeat(24), api_secret: 's'.repeat(24), is_testnet: true }],
  ['accounts.create', { exchange: 'okx', api_key: 'k'.repeat(24), api_secret: 's'.repeat(24) }],
  ['accounts.create', { api_key: 'has spaces', colour: 'red' }],
  ['accounts.get', { account_id: 'no-such-account' }],
  ['accounts.updateCredentials', { account_id: 'no-such-account', api_key: 'k'.repeat(24), api_secret: 's'.repeat(24) }],
  ['accounts.syncBalance', { account_id: 'no-such-account' }],
  ['accounts.performance', { account_id: 'no-such-account', start_date: '2025-02-26' }],
  ['accounts.delete', { account_id: 'no-such-account' }],
  ['accounts.assignGroup', { account_id: 'no-such-account', group_id: 'g1' }],
  // Backtests (binance envelope: raw bodies, 201/204, {success:false, error, details}). No candles are stored here.
  ['backtest.create', { name: 'Parity', symbols: ['BTCUSDT'], timeframe: '4h', start_date: '2024-01-01T00:00:00Z', end_date: '2024-11-01T00:00:00Z', strategy_params: { min_confidence: 0.73 }, initial_capital: 10000, position_size: 100 }],
  ['backtest.create', { name: 'Parity', symbols: ['BTCUSDT'], timeframe: '2h', start_date: '2024-01-01', end_date: '2023-01-01', initial_capital: -5 }],
  ['backtest.create', { name: 'Parity', symbols: ['BTCUSDT'], timeframe: '1h', start_date: '2024-01-01', end_date: '2024-02-01', initial_capital: 1000, strategy: 'nope', position_size: 10 }],
  ['backtest.list', { page: 1, page_size: 10, status: 'COMPLETED', ordering: '-created_at' }],
  ['backtest.list', { ordering: 'colour' }],
  ['backtest.get', { id: 1 }],
  ['backtest.cancel', { id: 1 }],
  ['backtest.delete', { id: 1 }],
  // Research jobs (binance envelope). XAGUSD H1 Jan–Jun 2019 is stored in every transport's database (beforeAll):
  // a valid create answers 201 PENDING at once, whatever happens after.
  ['optimization.create', { name: 'Parity grid', ...RESEARCH_BASE, parameter_ranges: { fast_period: [5, 10], slow_period: { min: 20, max: 40, step: 20 } }, optimization_metric: 'roi' }],
  ['optimization.create', { name: 'Parity grid', ...RESEARCH_BASE, parameter_ranges: { fast_perod: [5] } }],
  ['optimization.create', { name: 'Parity grid', ...RESEARCH_BASE, parameter_ranges: {}, optimization_metric: 'luck', search: 'everything' }],
  ['optimization.list', { status: 'FAILED' }],
  ['optimization.list', { page_size: 0 }],
  ['optimization.get', { id: 999 }],
  ['optimization.cancel', { id: 999 }],
  ['optimization.delete', { id: 999 }],
  ['walkforward.create', { name: 'Parity WF', ...RESEARCH_BASE, in_sample_days: 60, out_sample_days: 30, parameter_ranges: { fast_period: [5, 10] } }],
  ['walkforward.create', { name: 'Parity WF', ...RESEARCH_BASE, in_sample_days: 400, out_sample_days: 30, parameter_ranges: { fast_period: [5, 10] } }],
  ['walkforward.create', { name: 'Parity WF', symbols: ['XAGUSD'], timeframe: '1h', in_sample_days: 0 }],
  ['walkforward.list', {}],
  ['walkforward.get', { id: 999 }],
  ['walkforward.cancel', { id: 999 }],
  ['walkforward.delete', { id: 999 }],
  ['montecarlo.create', { backtest_id: 999, num_simulations: 1000, confidence_levels: [0.9, 0.95, 0.99] }],
  ['montecarlo.create', { backtest_id: 1, num_simulations: 0, confidence_levels: [1.5], method: 'guess' }],
  ['montecarlo.list', { status: 'COMPLETED' }],
  ['montecarlo.get', { id: 999 }],
  ['montecarlo.cancel', { id: 999 }],
  ['montecarlo.delete', { id: 999 }],
  ['signals.create', { symbol: 'BTCUSDT', signal_type: 'LONG', entry_price: 62_500, stop_loss: 61_500, take_profit: 66_125, timeframe: '4h', description: 'Manual entry based on technical analysis' }],
  ['signals.create', { symbol: 'BTCUSDT', signal_type: 'LONG', entry_price: 62_500, stop_loss: 63_000 }],
  ['signals.create', { symbol: 'btc usdt', signal_type: 'UP', entry_price: -1, timeframe: '2h' }],
  ['signals.list', {}],
  ['signals.list', { symbol: 'BTCUSDT', is_active: 'all', signal_type: 'LONG', timeframe: '4h', page_size: 5 }],
  ['signals.list', { is_active: 'maybe', start_date: 'yesterday' }],
  ['signals.get', { id: 1 }],
  ['signals.get', { id: 999 }],
  ['paperTrading.performance', {}],
  ['paperTrading.disable', {}],
  ['paperTrading.enable', { initial_capital: 10_000, position_size_percent: 150, max_open_positions: 0 }],
  ['paperTrading.enable', { initial_capital: 10_000, position_size_percent: 10, max_open_positions: 3, auto_close_on_sl_tp: true, symbols: ['BTCUSDT'], timeframe: '4h', strategy: 'simple_ma' }],
  ['paperTrading.enable', { initial_capital: 10_000 }],
  ['paperTrading.positions', {}],
  ['paperTrading.history', { page: 1, page_size: 20, symbol: 'BTCUSDT', direction: 'LONG' }],
  ['paperTrading.history', { exit_reason: 'LUCK' }],
  ['paperTrading.closePosition', { id: 999 }],
  ['paperTrading.disable', {}],
  // Identity: the owner (local token, IPC, direct) has no user record; refusals and the owner's own views.
  ['auth.register', { username: 'x', email: 'not-an-email', password: 'short' }],
  ['auth.login', { username: 'nobody_here', password: 'whatever1' }],
  ['auth.login', { password: 'no name' }],
  ['auth.refresh', { refresh_token: 'rt_nope' }],
  ['auth.logout', {}],
  ['auth.me', {}],
  ['auth.permissions', {}],
  ['auth.passwordReset', { email: 'ghost@example.com' }],
  ['auth.passwordResetComplete', { token: 'pr_nope', new_password: 'long enough 1' }],
  ['auth.sessions', {}],
  ['auth.terminateSession', { session_id: 'ses_nope' }],
  ['user.me', {}],
  ['user.requestUpgrade', { target_role: 'premium' }],
  ['user.requestUpgrade', { target_role: 'platinum' }],
  ['admin.upgradeQueue', {}],
  ['admin.executeUpgrade', { request_id: 'upg_nope', action: 'APPROVE' }],
  ['identity.users', {}],
  ['identity.createUser', { username: 'a', email: 'b', password: 'c' }],
  ['identity.setRole', { user_id: 'usr_nope', role: 'admin' }],
  ['identity.apiKeys', {}],
  ['identity.createApiKey', { name: 'x' }],
  ['identity.revokeApiKey', { key_id: 'key_nope' }],
  ['identity.pendingResets', {}],
  ['export.trades', {}],
  ['export.journal', { task_id: 1 }],
  ['export.backtestTrades', { id: 999 }],
];

const VOLATILE = new Set(['token_file', 'created_at', 'updated_at', 'started_at', 'stopped_at', 'time', 'session_id', 'recorded_at', 'timestamp']);

/** Timestamps, generated ids, uptime and the build's version differ between runs by nature; everything else must be equal. */
function normalize(result: CallResult, state: TransportState): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value) => {
      if (VOLATILE.has(key)) return '<volatile>';
      if (typeof value === 'string' && state.sessionId) return value.split(state.sessionId).join('<session>');
      if (key === 'uptime_seconds') return 0;
      // market7's uptime ("0m"), where the process runs, a broker's last sign of life and the Prometheus expositions (request counts, CPU) differ by nature.
      if (key === 'uptime' || key === 'environment' || key === 'last_heartbeat') return '<volatile>';
      if (key === 'text' && typeof value === 'string' && value.startsWith('# HELP')) return '<exposition>';
      if (key === 'version') return '<version>';
      return value;
    }),
  );
}

let direct: DirectApi;
let ipcBackend: DirectApi;
let server: TestServer;
beforeAll(async () => {
  // One bar at once, then none for a long while: every transport's tasks see exactly the same market.
  process.env.ECHO_FEED_SPEED = '0.0001';
  direct = createDirectApi();
  ipcBackend = createDirectApi();
  server = await startTestServer();
  // Silver H1 candles for the research jobs, in every transport's database (XAGUSD is traded by no other case).
  const silver = loadCandles('XAGUSD_H1_2018-12-02_2019-07-01.csv.gz');
  const a = silver.time.findIndex((t) => t >= Date.UTC(2018, 11, 1));
  const b = silver.time.findIndex((t) => t >= Date.UTC(2019, 6, 1));
  const bars = { time: silver.time.slice(a, b), open: silver.open.slice(a, b), high: silver.high.slice(a, b), low: silver.low.slice(a, b), close: silver.close.slice(a, b), volume: silver.volume.slice(a, b), length: b - a };
  const serverDb: SqliteDatabase = openDatabase(join(server.dataDir, DATABASE_FILE));
  for (const db of [direct.context.db, ipcBackend.context.db, serverDb]) createSqliteCandleStore(db).write('XAGUSD', '1H', bars);
  serverDb.close();
});
afterAll(async () => {
  delete process.env.ECHO_FEED_SPEED;
  direct?.close();
  ipcBackend?.close();
  await server?.stop();
});

async function viaHttp(name: ProcedureName, input: unknown): Promise<CallResult> {
  const route = procedures[name].http[0];
  if (!route) throw new Error(`${name} has no HTTP route`);
  const request = toHttpRequest(route, input as Record<string, unknown>);
  const res = await fetch(`${server.url}${request.url}`, {
    method: request.method,
    headers: { authorization: `Bearer ${server.token}`, accept: 'application/json', ...(request.body ? { 'content-type': 'application/json' } : {}) },
    ...(request.body ? { body: JSON.stringify(request.body) } : {}),
  });
  const text = await res.text(); // 204 No Content has no body
  return callResultFromEnvelope(route.envelope, res.status, text ? JSON.parse(text) : undefined);
}

describe('contract parity: direct call = HTTP = IPC', () => {
  it('gives the same results for the same calls, refusals included', async () => {
    const ipc = createIpcInvokeHandler(ipcBackend.context.handlers, { isTrustedSender: (url) => url === 'app://echo/index.html' });
    const event = { senderFrame: { url: 'app://echo/index.html' } };
    const states: [TransportState, TransportState, TransportState] = [{}, {}, {}];
    const remember = (state: TransportState, name: ProcedureName, result: CallResult) => {
      if (name === 'session.create' && result.ok && !state.sessionId) state.sessionId = (result.data as { session_id: string }).session_id;
      return result;
    };
    for (const [name, spec] of cases) {
      const inputFor = (state: TransportState) => (typeof spec === 'function' ? (spec as (s: TransportState) => unknown)(state) : spec);
      const [sa, sb, sc] = states;
      const a = normalize(remember(sa, name, await direct.call(name, inputFor(sa))), sa);
      const b = normalize(remember(sb, name, await viaHttp(name, inputFor(sb))), sb);
      const c = normalize(remember(sc, name, await ipc(event, name, inputFor(sc))), sc);
      const input = inputFor(sa);
      expect(b, `HTTP vs direct for ${name} ${JSON.stringify(input)}`).toEqual(a);
      expect(c, `IPC vs direct for ${name} ${JSON.stringify(input)}`).toEqual(a);
    }
  });

  it('research jobs end with the same seeded results in every transport; Monte Carlo answers PENDING the same way', async () => {
    const ipc = createIpcInvokeHandler(ipcBackend.context.handlers, { isTrustedSender: (url) => url === 'app://echo/index.html' });
    const event = { senderFrame: { url: 'app://echo/index.html' } };
    const transports: ((name: ProcedureName, input: unknown) => Promise<CallResult>)[] = [
      (name, input) => direct.call(name, input),
      (name, input) => viaHttp(name, input),
      (name, input) => ipc(event, name, input) as Promise<CallResult>,
    ];
    const finished = async (call: (name: ProcedureName, input: unknown) => Promise<CallResult>, name: ProcedureName, id: number) => {
      for (let i = 0; i < 400; i++) {
        const result = await call(name, { id });
        const status = result.ok ? (result.data as { status: string }).status : 'missing';
        if (status !== 'PENDING' && status !== 'RUNNING') return result;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${name} ${id} did not finish`);
    };
    const same = (results: CallResult[]) => {
      const [a, ...rest] = results.map((r) => JSON.parse(JSON.stringify(normalize(r, {}), (k, v) => (k === 'completed_at' && v ? '<volatile>' : v))));
      for (const other of rest) expect(other).toEqual(a);
      return a;
    };
    // The optimization (id 1) and the walk-forward test (id 2) created by the cases above.
    const optimizations = same(await Promise.all(transports.map((t) => finished(t, 'optimization.get', 1))));
    expect(optimizations).toMatchObject({ ok: true, data: { status: 'COMPLETED', results: { evaluated: 4 } } });
    const walkForwards = same(await Promise.all(transports.map((t) => finished(t, 'walkforward.get', 2))));
    expect(walkForwards).toMatchObject({ ok: true, data: { status: 'COMPLETED' } });
    // Monte Carlo needs a completed backtest: the same one in each transport.
    const backtest = { name: 'Parity MC', ...RESEARCH_BASE, strategy_params: { fast_period: 5, slow_period: 20 } };
    const backtests = await Promise.all(transports.map((t) => t('backtest.create', backtest)));
    const id = (backtests[0] as { data: { id: number } }).data.id;
    same(await Promise.all(transports.map((t) => finished(t, 'backtest.get', id))));
    const created = same(await Promise.all(transports.map((t) => t('montecarlo.create', { backtest_id: id, num_simulations: 500, seed: 3 }))));
    expect(created).toMatchObject({ ok: true, data: { status: 'PENDING', progress: 0, results: null, backtest_id: id } });
    const mc = same(await Promise.all(transports.map((t) => finished(t, 'montecarlo.get', (created as { data: { id: number } }).data.id))));
    expect(mc).toMatchObject({ ok: true, data: { status: 'COMPLETED', results: { num_simulations: 500 } } });
  });

  it('covers every procedure of the contract', () => {
    const covered = new Set(cases.map(([name]) => name));
    expect(Object.keys(procedures).filter((name) => !covered.has(name as ProcedureName))).toEqual([]);
  });
});
