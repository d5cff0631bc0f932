import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteTradingRepository } from '../../adapters/persistence/sqlite/trading-repository';
import { createDirectApi, type DirectApi } from '../../../test/kit/direct';
import { lotsOf, money, px } from './view-numbers';

describe('numbers at the view boundary', () => {
  it('rounds prices to the instrument’s digits, money to cents, lots to 8 places, without binary noise', () => {
    expect(px('EURUSD', 1.0437400000000001)).toBe(1.04374);
    expect(px('USDJPY', 151.23449999)).toBe(151.234);
    expect(px('XAUUSD', 2650.1 + 0.2)).toBe(2650.3);
    expect(px('XAGUSD', 30.12345)).toBe(30.123);
    expect(px('EURUSD', null)).toBeNull();
    // A symbol the catalogue does not know keeps its value, minus the noise.
    expect(px('ZZZUSD', 0.1 + 0.2)).toBe(0.3);
    expect(money(806.6000000000001)).toBe(806.6);
    expect(money(-0.005000000001)).toBe(-0.01);
    expect(money(null)).toBeNull();
    expect(lotsOf(0.1 + 0.2)).toBe(0.3);
  });
});

/** The trading views over a real SQLite store holding the engine's full-precision numbers. */
describe('trading views', () => {
  let direct: DirectApi;
  let taskId: number;
  beforeAll(async () => {
    direct = createDirectApi();
    const session = await direct.api.session.create({ user_id: 'views' });
    const repo = createSqliteTradingRepository(direct.context.db, { now: () => new Date() } as never);
    const task = repo.insertTask({
      sessionId: session.session_id, pair: 'EURUSD', timeframe: '1M', strategyName: 'simple_ma', config: {}, status: 'stopped', statusReason: null,
      capital: 10_000, capitalSource: 'default', pairAllocationId: null, floatingLossThresholdPct: null, magic: 1, broker: 'paper',
    });
    taskId = task.id;
    // 7 trades of 0.1 + 0.2 − 0.3… each: the float sum drifts; the database's sum must be what the views show.
    for (let i = 0; i < 7; i++) {
      repo.insertTrade({
        positionId: `P${i}`, taskId: String(task.id), symbol: 'EURUSD', side: 'BUY', lots: 0.1 + 0.2, entryPrice: 1.0437400000000001,
        entryTime: 1_700_000_000_000 + i * 60_000, exitPrice: 1.0441399999999999, exitTime: 1_700_000_030_000 + i * 60_000, exitReason: 'take_profit',
        pnl: 115.20000000000002 + i * 0.1, commission: 0.30000000000000004, magic: 1, clientOrderId: `C${i}`,
      });
    }
  });
  afterAll(() => direct?.close());

  it('lists trades with rounded prices and money, and totals ALL trades from SQL even when the list is capped', async () => {
    const all = await direct.api.trading.trades({ task_id: taskId });
    expect(all.trades[0]).toMatchObject({ entry_price: 1.04374, exit_price: 1.04414, lots: 0.3, commission: 0.3 });
    expect(all.trades.every((t) => Number.isInteger(Math.round(t.pnl * 100)) && String(t.pnl).split('.')[1]!.length <= 2)).toBe(true);
    expect(all).toMatchObject({ total_count: 7, capped: false });
    const capped = await direct.api.trading.trades({ task_id: taskId, limit: 3 });
    expect(capped.trades).toHaveLength(3);
    expect(capped).toMatchObject({ total_count: 7, capped: true, total_pnl: all.total_pnl });
    // 7 × 115.20 + 0.1 × (0+…+6) = 808.50
    expect(all.total_pnl).toBe(808.5);
    const tasks = await direct.api.trading.tasks({ session_id: (await direct.api.session.active({})).sessions[0]!.session_id, include_stopped: 'true' });
    expect(tasks.tasks[0]).toMatchObject({ trades: 7, realized_pnl: 808.5 });
  });
});
