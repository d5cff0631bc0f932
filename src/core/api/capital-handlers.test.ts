import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectApi, type DirectApi } from '../../../test/kit/direct';
import { DomainError } from '../../shared/contract/errors';

let direct: DirectApi;
beforeEach(() => {
  direct = createDirectApi();
});
afterEach(() => direct.close());

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('capital allocation', () => {
  it('creates a portfolio, allocates strategies by amount and by percentage', async () => {
    const { api } = direct;
    const p = await api.capital.createPortfolio({ user_id: 'pro', total_capital: 50_000 });
    expect(p).toMatchObject({ portfolio_id: 1, total_capital: 50_000, currency: 'USD', available_capital: 50_000 });
    const major = await api.capital.allocateStrategy({ portfolio_id: p.portfolio_id, strategy_name: 'Major Pairs', allocation_amount: 35_000 });
    expect(major.strategy).toMatchObject({ allocated_amount: 35_000, allocation_percentage: 70 });
    const gold = await api.capital.allocateStrategy({ user_id: 'pro', strategy_name: 'Gold Scalping', allocation_percentage: 30 });
    expect(gold.strategy.allocated_amount).toBe(15_000);
    expect(gold.portfolio).toMatchObject({ allocated_capital: 50_000, available_capital: 0, utilization_percentage: 100 });
  });

  it('never goes over 100 % at portfolio level, and a refusal changes nothing', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ user_id: 'u', total_capital: 10_000 });
    await api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'A', allocation_percentage: 90 });
    const e = await refusal(api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'B', allocation_percentage: 20 }));
    expect(e.code).toBe('ALLOCATION_EXCEEDED');
    expect(e.message).toMatch(/only \$1,000\.00 \(10%\) is available/);
    const dash = await api.capital.getDashboard({ user_id: 'u' });
    expect(dash.total_strategies).toBe(1);
    expect(dash.allocated_capital).toBe(9_000);
    // exactly the rest still fits
    await api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'B', allocation_amount: 1_000 });
    expect((await api.capital.getRiskStatus({ user_id: 'u' })).can_allocate_more).toBe(false);
  });

  it('never goes over 100 % at pair level', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ user_id: 'u', total_capital: 10_000 });
    const s = await api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'Gold', allocation_amount: 6_000 });
    const id = s.strategy.strategy_allocation_id;
    const over = await refusal(
      api.capital.allocatePairs({
        strategy_allocation_id: id,
        pair_allocations: [
          { pair: 'XAUUSD', amount: 4_000 },
          { pair: 'XAGUSD', amount: 2_000.01 },
        ],
      }),
    );
    expect(over.code).toBe('ALLOCATION_EXCEEDED');
    expect(over.message).toContain('strategy "Gold" has $6,000.00');
    expect((await api.capital.getDashboard({ user_id: 'u' })).total_pairs).toBe(0);
    const ok = await api.capital.allocatePairs({
      strategy_allocation_id: id,
      pair_allocations: [
        { pair: 'xauusd', percentage: 60, floating_loss_threshold_pct: 10 },
        { pair: 'XAGUSD', percentage: 40, floating_loss_threshold_pct: 15 },
      ],
    });
    expect(ok.added.map((p) => [p.pair, p.capital, p.floating_loss_threshold_pct])).toEqual([
      ['XAUUSD', 3_600, 10],
      ['XAGUSD', 2_400, 15],
    ]);
    const more = await refusal(api.capital.allocatePairs({ strategy_allocation_id: id, pair_allocations: [{ pair: 'EURUSD', percentage: 1 }] }));
    expect(more.code).toBe('ALLOCATION_EXCEEDED');
  });

  it('refuses duplicate strategy names in a portfolio, whatever their case', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ user_id: 'u', total_capital: 10_000 });
    await api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'Gold Scalping', allocation_amount: 1_000 });
    const e = await refusal(api.capital.allocateStrategy({ user_id: 'u', strategy_name: ' gold  SCALPING', allocation_amount: 1_000 }));
    expect(e.code).toBe('DUPLICATE_STRATEGY');
    expect(e.message).toContain('already has a strategy named "Gold Scalping"');
    // the same name in another user's portfolio is fine
    await api.capital.createPortfolio({ user_id: 'v', total_capital: 10_000 });
    await api.capital.allocateStrategy({ user_id: 'v', strategy_name: 'Gold Scalping', allocation_amount: 1_000 });
  });

  it('refuses a pair twice in one strategy', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ user_id: 'u', total_capital: 10_000 });
    await api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'S', allocation_amount: 5_000 });
    await api.capital.addPairs({ user_id: 'u', strategy_name: 'S', pairs: ['EURUSD'], floating_loss_threshold_pct: 10 });
    await api.capital.createPortfolio({ user_id: 'w', total_capital: 1_000 });
    const twice = await refusal(api.capital.allocatePairs({ strategy_allocation_id: 1, pair_allocations: [{ pair: 'EURUSD', amount: 1 }] }));
    expect(twice.code).toBe('DUPLICATE_PAIR');
    const inRequest = await refusal(
      api.capital.allocatePairs({ strategy_allocation_id: 1, pair_allocations: [{ pair: 'GBPUSD', amount: 1 }, { pair: 'gbpusd', amount: 1 }] }),
    );
    expect(inRequest.message).toContain('listed twice');
  });

  it('splits $35,000 over 3 pairs to the cent and says where the leftover cents went', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ user_id: 'pro', total_capital: 50_000 });
    await api.capital.allocateStrategy({ user_id: 'pro', strategy_name: 'Major Pairs', allocation_amount: 35_000 });
    const r = await api.capital.addPairs({ user_id: 'pro', strategy_name: 'major pairs', pairs: ['EURUSD', 'GBPUSD', 'USDJPY'] });
    expect(r.added.map((p) => p.capital)).toEqual([11_666.67, 11_666.67, 11_666.66]);
    expect(r.strategy.pairs_allocated_amount).toBe(35_000);
    expect(r.notes[0]).toContain('the remaining 2 cent(s) went one each to EURUSD, GBPUSD');
    const again = await refusal(api.capital.addPairs({ user_id: 'pro', strategy_name: 'Major Pairs', pairs: ['EURJPY'] }));
    expect(again.code).toBe('NOTHING_TO_ALLOCATE');
  });

  it('answers unknown ids and users with NOT_FOUND, and an ambiguous target with a question', async () => {
    const { api } = direct;
    expect((await refusal(api.capital.getDashboard({ user_id: 'ghost' }))).code).toBe('NOT_FOUND');
    expect((await refusal(api.capital.getRiskStatus({ user_id: 'ghost' }))).code).toBe('NOT_FOUND');
    expect((await refusal(api.capital.resetPortfolio({ user_id: 'ghost' }))).code).toBe('NOT_FOUND');
    expect((await refusal(api.capital.allocateStrategy({ portfolio_id: 99, strategy_name: 'x', allocation_amount: 1 }))).code).toBe('NOT_FOUND');
    expect((await refusal(api.capital.allocatePairs({ strategy_allocation_id: 99, pair_allocations: [{ pair: 'EURUSD', amount: 1 }] }))).code).toBe('NOT_FOUND');
    await api.capital.createPortfolio({ user_id: 'a', total_capital: 1_000 });
    await api.capital.createPortfolio({ user_id: 'b', total_capital: 1_000 });
    const ambiguous = await refusal(api.capital.allocateStrategy({ strategy_name: 'x', allocation_percentage: 10 }));
    expect(ambiguous.code).toBe('AMBIGUOUS_TARGET');
    expect(ambiguous.message).toContain('say which one with user_id or portfolio_id');
  });

  it('runs the spec’s short example without ids: portfolio, strategy by %, pairs by strategy name', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ total_capital: 50_000 });
    await api.capital.allocateStrategy({ strategy_name: 'Gold', allocation_percentage: 60 });
    const r = await api.capital.addPairs({ strategy_name: 'Gold', pairs: ['XAUUSD'] });
    expect(r.added[0]).toMatchObject({ pair: 'XAUUSD', capital: 30_000, floating_loss_threshold_pct: 10 });
  });

  it('refuses a second portfolio for the same user and resets with everything below it', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ user_id: 'u', total_capital: 10_000 });
    expect((await refusal(api.capital.createPortfolio({ user_id: 'u', total_capital: 5 }))).code).toBe('ALREADY_EXISTS');
    await api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'S', allocation_amount: 5_000 });
    await api.capital.addPairs({ user_id: 'u', strategy_name: 'S', pairs: ['EURUSD', 'GBPUSD'] });
    const reset = await api.capital.resetPortfolio({ user_id: 'u' });
    expect(reset).toMatchObject({ deleted_strategies: 1, deleted_pairs: 2 });
    const counts = direct.context.db
      .prepare('SELECT (SELECT count(*) FROM strategy_allocations) s, (SELECT count(*) FROM pair_allocations) p')
      .get();
    expect(counts).toEqual({ s: 0, p: 0 });
    await api.capital.createPortfolio({ user_id: 'u', total_capital: 1 });
  });

  it('keeps money to the cent: more decimals are refused, not rounded', async () => {
    const r = await direct.call('capital.createPortfolio', { user_id: 'u', total_capital: 100.005 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('more than two decimal places');
    const stored = direct.context.db.prepare('SELECT total_cents FROM portfolios').all();
    expect(stored).toEqual([]);
    await direct.api.capital.createPortfolio({ user_id: 'u', total_capital: 1_234_567.89 });
    expect(direct.context.db.prepare('SELECT total_cents FROM portfolios').get()).toEqual({ total_cents: 123_456_789 });
  });

  it('reports percentage allocations that had to be rounded to the cent', async () => {
    const { api } = direct;
    await api.capital.createPortfolio({ user_id: 'u', total_capital: 10_000.01 });
    const r = await api.capital.allocateStrategy({ user_id: 'u', strategy_name: 'S', allocation_percentage: 33.3 });
    expect(r.strategy.allocated_amount).toBe(3_330);
    expect(r.notes[0]).toContain('rounded to the cent');
  });
});
