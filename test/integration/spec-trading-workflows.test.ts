import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../kit/serve-process';

/**
 * The spec's Complete Client Workflows with every trading step (4 and 6), against `npm run serve`, with the paper
 * broker standing in for MT5 (step 5 connects a MetaTrader terminal, which these machines do not have), and 20 tasks
 * across pairs and timeframes at once.
 */
let serve: ServeProcess;
beforeAll(async () => {
  serve = await startServeProcess({ env: { ECHO_FEED_SPEED: '50' } });
}, 180_000);
afterAll(async () => serve?.stop());

async function ok(method: string, path: string, body?: unknown) {
  const res = await serve.call(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
  expect(res.body.success).toBe(true);
  return res.body.data;
}

describe('spec trading workflows against npm run serve', () => {
  it('Workflow 1: $5,000 conservative gold — session, then gold_buy_dip on XAUUSD 15M with the documented parameters', async () => {
    await ok('POST', '/api/capital/portfolio', { user_id: 'gold_trader_001', total_capital: 5000.0, currency: 'USD' });
    await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 1, strategy_name: 'Conservative Gold', allocation_amount: 5000.0 });
    await ok('POST', '/api/capital/pair', { user_id: 'gold_trader_001', strategy_name: 'Conservative Gold', pairs: ['XAUUSD'] });
    const session = await ok('POST', '/api/session/create', { user_id: 'gold_trader_001' });
    const started = await ok('POST', `/api/dynamic-trading/${session.session_id}/start`, {
      pair: 'XAUUSD',
      timeframe: '15M',
      strategy_name: 'gold_buy_dip',
      config: {
        lot_size: 0.01,
        percentage_threshold: 2.0,
        zscore_threshold_buy: -3.0,
        take_profit_percent: 1.0,
        max_drawdown_percent: 10.0,
        max_grid_trades: 5,
        grid_spacing_percent: 0.5,
      },
    });
    // The task draws its capital and loss threshold from the pair allocation.
    expect(started.task).toMatchObject({ capital: 5000, capital_source: 'pair_allocation', floating_loss_threshold_pct: 10 });
    expect(started.task.config).toMatchObject({ grid_percent: 0.5, use_grid_percent: true, max_drawdown_percent: 10 });
    expect(started.warnings).toEqual([]);
  });

  it('Workflow 2: $50,000 multi-strategy — EURUSD and GBPUSD get $11,666.67 each, XAUUSD $15,000', async () => {
    await ok('POST', '/api/capital/portfolio', { user_id: 'pro_trader_001', total_capital: 50000.0, currency: 'USD' });
    await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 2, strategy_name: 'Major Pairs', allocation_amount: 35000.0 });
    await ok('POST', '/api/capital/pair', { user_id: 'pro_trader_001', strategy_name: 'Major Pairs', pairs: ['EURUSD', 'GBPUSD', 'USDJPY'] });
    await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 2, strategy_name: 'Gold Scalping', allocation_amount: 15000.0 });
    await ok('POST', '/api/capital/pair', { user_id: 'pro_trader_001', strategy_name: 'Gold Scalping', pairs: ['XAUUSD'] });
    const session = await ok('POST', '/api/session/create', { user_id: 'pro_trader_001' });
    const id = session.session_id;
    const eur = await ok('POST', `/api/dynamic-trading/${id}/start`, {
      pair: 'EURUSD', timeframe: '5M', strategy_name: 'simple_ma', config: { lot_size: 0.1, fast_period: 10, slow_period: 20 },
    });
    const gbp = await ok('POST', `/api/dynamic-trading/${id}/start`, {
      pair: 'GBPUSD', timeframe: '5M', strategy_name: 'simple_ma', config: { lot_size: 0.1, fast_period: 10, slow_period: 20 },
    });
    const xau = await ok('POST', `/api/dynamic-trading/${id}/start`, {
      pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip', config: { lot_size: 0.05, percentage_threshold: 0.1 },
    });
    expect(eur.task.capital).toBe(11666.67);
    expect(gbp.task.capital).toBe(11666.67);
    expect(xau.task.capital).toBe(15000);
    const tasks = await ok('GET', `/api/dynamic-trading/${id}/tasks`);
    expect(tasks.count).toBe(3);
  });

  it('Workflow 3 and sessions: favorites, multiple timeframes of one pair as independent tasks, stop without restart', async () => {
    const session = await ok('POST', '/api/session/create', { user_id: 'hedge_fund_001' });
    const id = session.session_id;
    await ok('POST', `/api/session/${id}/pairs`, { pair: 'XAUUSD' });
    await ok('POST', `/api/session/${id}/pairs`, { pair: 'EURUSD' });
    await ok('POST', `/api/session/${id}/timeframes`, { timeframe: '1M' });
    await ok('POST', `/api/session/${id}/timeframes`, { timeframe: '15M' });
    await ok('POST', `/api/session/${id}/strategies`, {
      strategy_name: 'gold_buy_dip',
      config: { lot_size: 0.01, percentage_threshold: 2.0, zscore_threshold_buy: -3.0, zscore_threshold_sell: 3.0, lookback_candles: 50, zscore_period: 20, max_grid_trades: 5, take_profit_percent: 1.0, max_drawdown_percent: 30.0 },
    });
    const removed = await ok('DELETE', `/api/session/${id}/pairs/EURUSD`);
    expect(removed.pairs).toEqual(['XAUUSD']);
    for (const [timeframe, threshold] of [['1M', 0.1], ['15M', 2.0], ['1H', 5.0]] as const) {
      await ok('POST', `/api/dynamic-trading/${id}/start`, { pair: 'XAUUSD', timeframe, config: { percentage_threshold: threshold } });
    }
    const status = await ok('GET', `/api/session/${id}/status`);
    expect(status.tasks.map((t: { timeframe: string }) => t.timeframe).sort()).toEqual(['15M', '1H', '1M']);
    // The session's saved configuration fills in what the start request leaves out.
    expect(status.tasks[0].config.max_drawdown_percent).toBe(30);
    await ok('POST', `/api/dynamic-trading/${id}/stop`, { pair: 'XAUUSD', timeframe: '15M', strategy_name: 'gold_buy_dip' });
    const after = await ok('GET', `/api/dynamic-trading/${id}/tasks`);
    expect(after.tasks.map((t: { timeframe: string }) => t.timeframe).sort()).toEqual(['1H', '1M']);
    const active = await ok('GET', '/api/session/active');
    expect(active.count).toBeGreaterThanOrEqual(3);
    const recovery = await ok('GET', '/api/recovery/user/hedge_fund_001/sessions');
    expect(recovery.sessions[0].tasks).toHaveLength(3);
  });

  it('runs 20 tasks across pairs and timeframes at once, refuses the 21st, and starts it after one stops', async () => {
    // Tasks of the earlier workflows count towards the limit: stop them first.
    for (const session of (await ok('GET', '/api/session/active')).sessions) {
      for (const task of (await ok('GET', `/api/dynamic-trading/${session.session_id}/tasks`)).tasks) {
        await ok('POST', `/api/dynamic-trading/${session.session_id}/stop`, { pair: task.pair, timeframe: task.timeframe, strategy_name: task.strategy_name });
      }
    }
    const id = (await ok('POST', '/api/session/create', { user_id: 'load_001' })).session_id;
    const pairs = ['XAUUSD', 'XAGUSD', 'EURUSD', 'GBPUSD', 'USDJPY', 'USDCHF', 'AUDUSD', 'NZDUSD', 'USDCAD', 'BTCUSDT'];
    for (const pair of pairs) {
      for (const timeframe of ['1M', '5M']) {
        const strategy = pair.startsWith('X') ? 'gold_buy_dip' : 'simple_ma';
        await ok('POST', `/api/dynamic-trading/${id}/start`, { pair, timeframe, strategy_name: strategy, config: strategy === 'simple_ma' ? { fast_period: 3, slow_period: 8 } : { percentage_threshold: 0.1 } });
      }
    }
    const refused = await serve.call('POST', `/api/dynamic-trading/${id}/start`, { pair: 'EURUSD', timeframe: '1H', strategy_name: 'simple_ma' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('the limit is 20');

    const firstBars = new Map<number, string>();
    for (const t of (await ok('GET', `/api/dynamic-trading/${id}/tasks`)).tasks) firstBars.set(t.task_id, t.last_bar_time);
    await new Promise((r) => setTimeout(r, 1500));
    const tasks = (await ok('GET', `/api/dynamic-trading/${id}/tasks`)).tasks as { task_id: number; status: string; last_bar_time: string }[];
    expect(tasks).toHaveLength(20);
    for (const t of tasks) {
      expect(t.status).toBe('running');
      expect(t.last_bar_time > (firstBars.get(t.task_id) ?? ''), `task ${t.task_id} advanced`).toBe(true);
    }
    await ok('POST', `/api/dynamic-trading/${id}/stop`, { pair: 'USDCAD', timeframe: '5M' });
    await ok('POST', `/api/dynamic-trading/${id}/start`, { pair: 'EURUSD', timeframe: '1H', strategy_name: 'simple_ma' });
  });
});
