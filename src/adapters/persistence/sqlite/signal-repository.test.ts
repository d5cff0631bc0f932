import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewSignal } from '../../../core/ports/signal-repository';
import type { TradingRepository } from '../../../core/ports/trading-repository';
import { openDatabase, type SqliteDatabase } from './database';
import { createSqlitePaperTradingRepository } from './paper-trading-repository';
import { createSqliteSignalRepository } from './signal-repository';
import { createSqliteTradingRepository } from './trading-repository';

const clock = { now: () => new Date('2024-11-06T15:00:00Z') };
const T = Date.UTC(2024, 10, 6, 14, 30);

let db: SqliteDatabase;
let trading: TradingRepository;
let taskId: number;
beforeEach(() => {
  db = openDatabase(':memory:');
  trading = createSqliteTradingRepository(db, clock);
  trading.createSession('u', 's1');
  taskId = trading.insertTask({
    sessionId: 's1', pair: 'BTCUSDT', timeframe: '4H', strategyName: 'simple_ma', config: {}, status: 'running', statusReason: null,
    capital: 10_000, capitalSource: 'default', pairAllocationId: null, floatingLossThresholdPct: null, magic: 1, broker: 'paper',
  }).id;
});
afterEach(() => db.close());

const signal = (over: Partial<NewSignal> = {}): NewSignal => ({
  source: 'strategy', taskId, strategyName: 'simple_ma', symbol: 'BTCUSDT', timeframe: '4H', side: 'BUY', barTime: T - 4 * 3_600_000, time: T,
  entryPrice: 62_500, stopLoss: 61_500, takeProfit: 66_125, confidence: 0.78, description: 'test', conditionsMet: { macd_bullish: true },
  indicatorValues: { rsi: 28.5, atr: Number.NaN }, outcome: 'acted', outcomeReason: null, clientOrderId: 'E1-a-0', ...over,
});

describe('sqlite signal repository', () => {
  it('stores a signal with its conditions and indicator values (NaN as null), once per task, bar and side', () => {
    const repo = createSqliteSignalRepository(db, clock);
    const stored = repo.insert(signal())!;
    expect(stored).toMatchObject({ id: 1, symbol: 'BTCUSDT', confidence: 0.78, conditionsMet: { macd_bullish: true }, indicatorValues: { rsi: 28.5, atr: null } });
    expect(stored.recordedAt).toBe('2024-11-06T15:00:00.000Z');
    expect(repo.insert(signal())).toBeUndefined();
    const sell = repo.insert(signal({ side: 'SELL', clientOrderId: 'E1-a-1' }))!;
    expect(sell.id).toBeGreaterThan(stored.id);
    expect(repo.idsByOrder(['E1-a-0', 'E1-a-1', 'nope'])).toEqual(new Map([['E1-a-0', stored.id], ['E1-a-1', sell.id]]));
  });

  it('derives is_active: acted while the order is in flight or the position open; filtered never; manual until a newer one', () => {
    const repo = createSqliteSignalRepository(db, clock);
    const order = { clientOrderId: 'E1-a-0', taskId: String(taskId), symbol: 'BTCUSDT', side: 'BUY' as const, lots: 0.01, magic: 1, reason: 'x', decidedAt: T };
    const acted = repo.insert(signal())!;
    expect(repo.find(acted.id)?.isActive).toBe(false); // nothing journaled (yet)
    trading.journalIntent(order);
    expect(repo.find(acted.id)?.isActive).toBe(true);
    trading.setJournalStatus('E1-a-0', 'filled');
    expect(repo.find(acted.id)?.isActive).toBe(false);
    trading.upsertPosition({ id: 'E1-a-0', taskId: String(taskId), symbol: 'BTCUSDT', side: 'BUY', lots: 0.01, entryPrice: 62_500, entryTime: T, takeProfit: null, stopLoss: null, magic: 1, clientOrderId: 'E1-a-0', commission: 0 });
    expect(repo.find(acted.id)?.isActive).toBe(true);
    trading.deletePosition('E1-a-0');
    expect(repo.find(acted.id)?.isActive).toBe(false);

    const filtered = repo.insert(signal({ barTime: T, outcome: 'filtered', outcomeReason: 'weak', clientOrderId: null }))!;
    expect(filtered.isActive).toBe(false);
    const manual = repo.insert(signal({ source: 'manual', taskId: null, barTime: null, outcome: 'manual', clientOrderId: null }))!;
    expect(manual.isActive).toBe(true);
    const otherTimeframe = repo.insert(signal({ source: 'manual', taskId: null, barTime: null, outcome: 'manual', clientOrderId: null, timeframe: '1H' }))!;
    expect(repo.find(manual.id)?.isActive).toBe(true);
    repo.insert(signal({ source: 'manual', taskId: null, barTime: null, outcome: 'manual', clientOrderId: null }));
    expect(repo.find(manual.id)?.isActive).toBe(false);
    expect(repo.find(otherTimeframe.id)?.isActive).toBe(true);
  });

  it('lists newest first with filters, counts before paging', () => {
    const repo = createSqliteSignalRepository(db, clock);
    for (let i = 0; i < 5; i++) {
      repo.insert(signal({ barTime: T + i, time: T + i * 1000, side: i % 2 ? 'SELL' : 'BUY', symbol: i < 4 ? 'BTCUSDT' : 'ETHUSDT', outcome: 'filtered', clientOrderId: null }));
    }
    const all = repo.list({});
    expect(all.count).toBe(5);
    expect(all.signals.map((s) => s.id)).toEqual([5, 4, 3, 2, 1]);
    expect(repo.list({ symbol: 'BTCUSDT', side: 'BUY' }).signals.map((s) => s.id)).toEqual([3, 1]);
    expect(repo.list({ from: T + 1000, to: T + 3000 }).signals.map((s) => s.id)).toEqual([4, 3, 2]);
    const page = repo.list({ offset: 2, limit: 2 });
    expect([page.count, page.signals.map((s) => s.id)]).toEqual([5, [3, 2]]);
    expect(repo.list({ isActive: true }).count).toBe(0);
    expect(repo.list({ isActive: false, timeframe: '4H', outcome: 'filtered', source: 'strategy', taskId }).count).toBe(5);
  });
});

describe('sqlite paper-trading repository', () => {
  const settings = {
    initial_capital: 10_000, position_size_percent: 10, max_open_positions: 3, auto_close_on_sl_tp: true, symbols: ['BTCUSDT'],
    timeframe: '4h', strategy: 'simple_ma', strategy_params: {},
  };

  it('keeps one enabled run at a time and its final figures', () => {
    const runs = createSqlitePaperTradingRepository(db);
    trading.createSession('paper-trading', 's2');
    const run = runs.start('s1', settings, '2024-11-01T00:00:00Z');
    expect(runs.active()).toEqual(run);
    expect(() => runs.start('s2', settings, '2024-11-02T00:00:00Z')).toThrow();
    runs.stop(run.id, { stoppedAt: '2024-11-03T00:00:00Z', finalCapital: 10_450.5, totalPnl: 450.5 });
    expect(runs.active()).toBeUndefined();
    expect(runs.latest()).toMatchObject({ enabled: false, finalCapital: 10_450.5, totalPnl: 450.5, settings });
    const second = runs.start('s2', settings, '2024-11-04T00:00:00Z');
    expect(runs.latest()?.id).toBe(second.id);
    expect(runs.bySession('s1')?.id).toBe(run.id);
    runs.discard(second.id);
    expect(runs.all().map((r) => r.id)).toEqual([run.id]);
  });

  it('numbers positions once, never reusing a number', () => {
    const runs = createSqlitePaperTradingRepository(db);
    expect(runs.numberOf('E1-a-0')).toBe(1);
    expect(runs.numberOf('E1-b-0')).toBe(2);
    expect(runs.numberOf('E1-a-0')).toBe(1);
    expect(runs.positionIdOf(2)).toBe('E1-b-0');
    expect(runs.positionIdOf(3)).toBeUndefined();
  });
});
