import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server';

/** The live engine end to end over HTTP: session, tasks on the paper broker, journal-before-send, stop. */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('live trading on the paper broker', () => {
  it('runs the spec’s examples as written and trades on the simulated market, labelled as such', async () => {
    process.env.ECHO_FEED_SPEED = '400';
    server = await startTestServer();
    const s = server;
    const session = await s.call('POST', '/api/session/create', { user_id: 'trader_001' });
    expect(session.status).toBe(200);
    const id = session.body.data.session_id as string;
    expect(id).toMatch(/[0-9a-f-]{36}/);

    // The spec's "Complete Parameter Configuration" example, plus grid_spacing_percent / risk_per_trade from its workflow
    const started = await s.call('POST', `/api/dynamic-trading/${id}/start`, {
      pair: 'XAUUSD',
      timeframe: '1M',
      strategy_name: 'gold_buy_dip',
      config: {
        lot_size: 0.01, percentage_threshold: 0.1, zscore_threshold_buy: -1.0, zscore_threshold_sell: 1.0, lookback_candles: 20,
        zscore_period: 10, take_profit_percent: 0.2, use_take_profit_percent: true, max_drawdown_percent: 50.0,
        grid_spacing_percent: 0.5, risk_per_trade: 2.0, not_a_parameter: 1,
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const task = started.body.data.task;
    expect(task).toMatchObject({ pair: 'XAUUSD', timeframe: '1M', status: 'running', simulated_prices: true, capital_source: 'default' });
    expect(task.config).toMatchObject({ grid_percent: 0.5, use_grid_percent: true, lookback_candles: 20 });
    expect(started.body.data.warnings.join(' ')).toContain('not_a_parameter');
    expect(started.body.message).toContain('SIMULATED');

    const simple = await s.call('POST', `/api/dynamic-trading/${id}/start`, {
      pair: 'EURUSD', timeframe: '5M', strategy_name: 'simple_ma',
      config: { lot_size: 0.01, fast_period: 3, slow_period: 8, take_profit_pips: 50, stop_loss_pips: 30 },
    });
    expect(simple.status, JSON.stringify(simple.body)).toBe(200);

    // Same pair and timeframe twice: refused; bad config: refused with the reason.
    const twice = await s.call('POST', `/api/dynamic-trading/${id}/start`, { pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip' });
    expect(twice.status).toBe(409);
    const bad = await s.call('POST', `/api/dynamic-trading/${id}/start`, {
      pair: 'XAUUSD', timeframe: '1H', strategy_name: 'gold_buy_dip', config: { lookback_candles: -3, lot_size: 'big' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('lookback_candles');

    const orders = await waitFor(async () => {
      const res = await s.call('GET', '/api/trading/orders?limit=50');
      return res.body.data.orders.length >= 2 ? res.body.data.orders : undefined;
    });
    for (const o of orders) expect(['submitted', 'filled', 'cancelled']).toContain(o.status);

    const tasks = await s.call('GET', `/api/dynamic-trading/${id}/tasks`);
    expect(tasks.body.data.count).toBe(2);
    const market = await s.call('GET', `/api/dynamic-trading/${id}/market-data/XAUUSD/1M`);
    expect(market.body.data).toMatchObject({ source: 'simulated', simulated: true });
    expect(market.body.data.bars.length).toBeGreaterThan(50);

    const stopped = await s.call('POST', `/api/dynamic-trading/${id}/stop`, { pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip' });
    expect(stopped.status).toBe(200);
    expect(stopped.body.data.stopped[0].status).toBe('stopped');
    const positions = await s.call('GET', `/api/trading/positions?task_id=${task.task_id}`);
    expect(positions.body.data.positions).toEqual([]);
    delete process.env.ECHO_FEED_SPEED;
  });
});
