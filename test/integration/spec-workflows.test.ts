import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../kit/serve-process';

/**
 * The spec's "Complete Client Workflows", steps 1–3 (capital allocation), against `npm run serve`, in the order
 * the spec runs them on one fresh server. Ids are taken from the responses: the spec's literal ids
 * (portfolio 1, 2, 3 but strategy allocations 1, 2, 3 again in workflow 3) cannot all hold on one server.
 */
let serve: ServeProcess;
beforeAll(async () => {
  serve = await startServeProcess();
}, 180_000);
afterAll(async () => serve?.stop());

async function ok(method: string, path: string, body?: unknown) {
  const res = await serve.call(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.success).toBe(true);
  expect(typeof res.body.message).toBe('string');
  return res.body.data;
}

describe('spec workflows against npm run serve', () => {
  it('Workflow 1: conservative gold trader, $5,000', async () => {
    const portfolio = await ok('POST', '/api/capital/portfolio', { user_id: 'gold_trader_001', total_capital: 5000.0, currency: 'USD' });
    expect(portfolio.portfolio_id).toBe(1);
    await ok('POST', '/api/capital/strategy/allocate', {
      portfolio_id: portfolio.portfolio_id,
      strategy_name: 'Conservative Gold',
      allocation_amount: 5000.0,
    });
    await ok('POST', '/api/capital/pair', { user_id: 'gold_trader_001', strategy_name: 'Conservative Gold', pairs: ['XAUUSD'] });
    const dash = await ok('GET', '/api/capital/dashboard/gold_trader_001');
    expect(dash).toMatchObject({ total_capital: 5000, allocated_capital: 5000, available_capital: 0, total_strategies: 1, total_pairs: 1 });
    expect(dash.strategies['Conservative Gold'].pairs.XAUUSD).toMatchObject({ capital: 5000, risk_threshold: 10, status: 'active' });
  });

  it('Workflow 2: multi-strategy $50,000 — EURUSD, GBPUSD, USDJPY get $11,667 each (to the cent), gold $15,000', async () => {
    const portfolio = await ok('POST', '/api/capital/portfolio', { user_id: 'pro_trader_001', total_capital: 50000.0, currency: 'USD' });
    expect(portfolio.portfolio_id).toBe(2);
    await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 2, strategy_name: 'Major Pairs', allocation_amount: 35000.0 });
    const major = await ok('POST', '/api/capital/pair', {
      user_id: 'pro_trader_001',
      strategy_name: 'Major Pairs',
      pairs: ['EURUSD', 'GBPUSD', 'USDJPY'],
    });
    expect(major.added.map((p: { capital: number }) => Math.round(p.capital))).toEqual([11667, 11667, 11667]);
    expect(major.added.map((p: { capital: number }) => p.capital)).toEqual([11666.67, 11666.67, 11666.66]);
    await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 2, strategy_name: 'Gold Scalping', allocation_amount: 15000.0 });
    await ok('POST', '/api/capital/pair', { user_id: 'pro_trader_001', strategy_name: 'Gold Scalping', pairs: ['XAUUSD'] });
    const dash = await ok('GET', '/api/capital/dashboard/pro_trader_001');
    expect(dash).toMatchObject({ total_capital: 50000, allocated_capital: 50000, available_capital: 0, total_strategies: 2, total_pairs: 4 });
    expect(dash.strategies['Major Pairs']).toMatchObject({ allocation_percentage: 70, allocated_amount: 35000, pairs_count: 3 });
    expect(dash.strategies['Gold Scalping'].pairs.XAUUSD.capital).toBe(15000);
  });

  it('Workflow 3: hedge fund $100,000 — the documented dashboard and risk status', async () => {
    const portfolio = await ok('POST', '/api/capital/portfolio', { user_id: 'hedge_fund_001', total_capital: 100000.0, currency: 'USD' });
    expect(portfolio.portfolio_id).toBe(3);
    const trend = await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 3, strategy_name: 'Trend Following', allocation_amount: 40000.0 });
    // The workflow's next call takes the id from the top of data, as a script following the document does.
    expect(trend.strategy_allocation_id).toBe(trend.strategy.strategy_allocation_id);
    await ok('POST', '/api/capital/pairs/allocate', {
      strategy_allocation_id: trend.strategy_allocation_id,
      pair_allocations: [
        { pair: 'EURUSD', amount: 8000 },
        { pair: 'GBPUSD', amount: 7000 },
        { pair: 'USDJPY', amount: 6000 },
        { pair: 'USDCHF', amount: 5000 },
        { pair: 'AUDUSD', amount: 4000 },
        { pair: 'NZDUSD', amount: 3000 },
        { pair: 'USDCAD', amount: 3000 },
        { pair: 'EURGBP', amount: 4000 },
      ],
    });
    const meanReversion = await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 3, strategy_name: 'Mean Reversion', allocation_amount: 35000.0 });
    await ok('POST', '/api/capital/pairs/allocate', {
      strategy_allocation_id: meanReversion.strategy.strategy_allocation_id,
      pair_allocations: [
        { pair: 'XAUUSD', amount: 20000 },
        { pair: 'XAGUSD', amount: 15000 },
      ],
    });
    const scalping = await ok('POST', '/api/capital/strategy/allocate', { portfolio_id: 3, strategy_name: 'Scalping', allocation_amount: 25000.0 });
    await ok('POST', '/api/capital/pairs/allocate', {
      strategy_allocation_id: scalping.strategy.strategy_allocation_id,
      pair_allocations: [
        { pair: 'EURJPY', amount: 15000 },
        { pair: 'GBPJPY', amount: 10000 },
      ],
    });

    const dash = await ok('GET', '/api/capital/dashboard/hedge_fund_001');
    expect(dash).toMatchObject({
      total_capital: 100000.0,
      allocated_capital: 100000.0,
      available_capital: 0.0,
      total_strategies: 3,
      total_pairs: 12,
    });
    expect(dash.strategies['Trend Following']).toMatchObject({ allocation_percentage: 40.0, allocated_amount: 40000.0, pairs_count: 8, capital_per_pair: 5000.0 });
    expect(dash.strategies['Mean Reversion']).toMatchObject({ allocation_percentage: 35.0, allocated_amount: 35000.0, pairs_count: 2, capital_per_pair: 17500.0 });
    expect(dash.strategies['Scalping']).toMatchObject({ allocation_percentage: 25.0, allocated_amount: 25000.0, pairs_count: 2, capital_per_pair: 12500.0 });
    // Each pair shows the amount it was actually given (the spec's sample shows the average, 5000, for EURUSD's 8000).
    expect(dash.strategies['Trend Following'].pairs.EURUSD).toMatchObject({ capital: 8000, risk_threshold: 10.0, status: 'active' });

    const risk = await ok('GET', '/api/capital/risk-status/hedge_fund_001');
    expect(risk).toMatchObject({ overall_risk: 'LOW', fund_utilization: 100.0, can_allocate_more: false, available_percentage: 0.0 });
    expect(Object.keys(risk.strategy_risks).sort()).toEqual(['Mean Reversion', 'Scalping', 'Trend Following']);

    // "Example: $10K portfolio, 90% allocated = Cannot add 20% more" — here: full, so nothing more fits.
    const more = await serve.call('POST', '/api/capital/strategy/allocate', { portfolio_id: 3, strategy_name: 'Extra', allocation_percentage: 20 });
    expect(more.status).toBe(409);
    expect(more.body).toMatchObject({ success: false, code: 'ALLOCATION_EXCEEDED' });
    const dup = await serve.call('POST', '/api/capital/strategy/allocate', { portfolio_id: 3, strategy_name: 'Scalping', allocation_amount: 1 });
    expect(dup.body.code).toBe('DUPLICATE_STRATEGY');
  });

  it('the spec’s short "Example Flow" works as written (no ids)', async () => {
    // A fresh user-less flow on the same server needs the default user's portfolio to exist.
    await ok('POST', '/api/capital/portfolio', { total_capital: 50000 });
    await ok('POST', '/api/capital/strategy', { strategy_name: 'Gold', allocation_percentage: 60 });
    const pairs = await ok('POST', '/api/capital/pair', { strategy_name: 'Gold', pairs: ['XAUUSD'] });
    expect(pairs.added[0]).toMatchObject({ pair: 'XAUUSD', capital: 30000 });
  });

  it('reset removes the portfolio', async () => {
    const reset = await ok('DELETE', '/api/capital/reset/gold_trader_001');
    expect(reset).toMatchObject({ deleted_strategies: 1, deleted_pairs: 1 });
    expect((await serve.call('GET', '/api/capital/dashboard/gold_trader_001')).status).toBe(404);
  });
});
