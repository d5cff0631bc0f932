import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteCandleStore } from '../../src/adapters/persistence/sqlite/candle-store';
import { CandleCache } from '../../src/core/backtest/candle-cache';
import { allocateSeries, type CandleSeries } from '../../src/core/domain/candles';
import { createAppContext, type AppContext } from '../../src/server/app-context';
import { invokeProcedure } from '../../src/shared/contract/invoke';
import { loadCandles } from '../kit/candles';

/**
 * One market per symbol, through the real app context (SQLite store, kernel, paper broker, handlers): after an M1
 * import, a 15M task trades on the imported prices aggregated exactly as the backtester aggregates them; a 1H task
 * on the same symbol, the market watch quote, the chart and the position valuation all read the same price at the
 * same moment; the journal (engine events) carries the replay's dates, not today's.
 */

const BARS = 40_000; // about a month of M1 gold from the committed fixture
let context: AppContext;
let m1: CandleSeries;
const dataDir = mkdtempSync(join(tmpdir(), 'echo-one-market-'));

const call = async (name: string, input: unknown) => {
  const result = await invokeProcedure(context.handlers, name, input, (error) => {
    throw error;
  });
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.data as any;
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  const source = loadCandles('XAUUSD_M1_2024-08-01_2024-10-11.csv.gz');
  m1 = allocateSeries(BARS);
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) m1[f].set(source[f].subarray(0, BARS));
  context = createAppContext({ dataDir, version: 'test', logger: pino({ level: 'silent' }), feedBarsPerSecond: 300 });
  // What `npm run import -- --symbol XAUUSD --timeframe M1 ...` writes.
  createSqliteCandleStore(context.db).write('XAUUSD', '1M', m1);
});
afterAll(() => {
  context?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('one market per symbol on the paper broker', () => {
  it('a 15M task after an M1 import trades on the imported prices; every view of XAUUSD reads one price on one clock', async () => {
    const session = await call('session.create', { user_id: 'first_hour' });
    const started = await call('trading.start', {
      session_id: session.session_id, pair: 'XAUUSD', timeframe: '15M', strategy_name: 'simple_ma',
      config: { lot_size: 0.1, fast_period: 2, slow_period: 4, take_profit_pips: 0, stop_loss_pips: 0 },
    });
    expect(started.task).toMatchObject({ timeframe: '15M', feed_source: 'replay', simulated_prices: false });
    const fifteen = started.task.task_id as number;
    const hourly = (await call('trading.start', {
      session_id: session.session_id, pair: 'XAUUSD', timeframe: '1H', strategy_name: 'gold_buy_dip', config: { lot_size: 0.01 },
    })).task.task_id as number;

    // A 5M task too: the clock steps 5 minutes at a time, so the 15M and 1H tasks' last bars are usually behind its price.
    const five = (await call('trading.start', {
      session_id: session.session_id, pair: 'XAUUSD', timeframe: '5M', strategy_name: 'simple_ma', config: { lot_size: 0.01, fast_period: 3, slow_period: 6 },
    })).task.task_id as number;

    // The backtester's aggregation of the same M1 rows.
    const cache = new CandleCache(createSqliteCandleStore(context.db));
    const agg = (await cache.series('XAUUSD', '15M'))!;
    const openAt = new Map<number, number>();
    for (let i = 0; i < agg.length; i++) openAt.set(agg.time[i]!, agg.open[i]!);

    // Trades of the 15M task fill at the open of the next aggregated 15M bar (paper broker, no spread by default).
    const trades = await until('three closed 15M trades', async () => {
      const { trades } = await call('trading.trades', { task_id: fifteen, limit: 100 });
      return trades.length >= 3 ? trades : undefined;
    });
    for (const t of trades) {
      const time = Date.parse(t.entry_time);
      expect(time % (15 * 60_000)).toBe(0);
      expect(t.entry_price).toBe(openAt.get(time));
      expect(time).toBeGreaterThanOrEqual(m1.time[0]!);
      expect(time).toBeLessThanOrEqual(m1.time[BARS - 1]!);
    }
    // The chart's 15M bars are the backtester's 15M bars.
    const chart = await call('market.candles', { symbol: 'XAUUSD', timeframe: '15M', limit: 200 });
    const closedBars = chart.time.length - 1; // the last one may still be forming
    for (let i = 0; i < closedBars; i++) {
      const k = agg.time.indexOf(chart.time[i]);
      expect(k).toBeGreaterThanOrEqual(0);
      expect([chart.open[i], chart.high[i], chart.low[i], chart.close[i]]).toEqual([agg.open[k], agg.high[k], agg.low[k], agg.close[k]]);
    }

    // Stop the clock (no subscriber left is not needed: stop the feed) and read every view at one moment.
    context.feed.setSpeed(0.001);
    await new Promise((r) => setTimeout(r, 100));
    const { tasks } = await call('trading.tasks', { session_id: session.session_id });
    const watch = await call('market.candles', { symbol: 'XAUUSD', timeframe: '1M', limit: 2, to: Date.now() });
    const hourChart = await call('market.candles', { symbol: 'XAUUSD', timeframe: '1H', limit: 2 });
    const { positions } = await call('trading.positions', { session_id: session.session_id });
    const price = watch.close.at(-1);
    expect(typeof price).toBe('number');
    expect(tasks.find((t: any) => t.task_id === fifteen).last_price).toBe(price);
    expect(tasks.find((t: any) => t.task_id === hourly).last_price).toBe(price);
    expect(hourChart.close.at(-1)).toBe(price);
    expect(positions.length).toBeGreaterThan(0);
    for (const p of positions) expect(p.current_price).toBe(price);
    // The market watch shows no bar past the market's clock, although the store holds weeks more.
    expect(watch.time.at(-1)).toBeLessThan(m1.time[BARS - 1]!);

    // Stopping a task with "close positions" closes them at that same market price (not at its own last bar's close).
    // (A 15M or 1H position tells the two prices apart: the clock steps 5 minutes, so their last bars are behind it.)
    const byTask = new Map<number, string>([[hourly, '1H'], [fifteen, '15M'], [five, '5M']]);
    const open = positions.find((p: any) => p.task_id !== five) ?? positions[0];
    const mark = (await call('market.candles', { symbol: 'XAUUSD', timeframe: '1M', limit: 1 })).close.at(-1);
    const stopped = byTask.get(open.task_id);
    await call('trading.stop', { session_id: session.session_id, pair: 'XAUUSD', timeframe: stopped, close_positions: true });
    const { trades: closedByStop } = await call('trading.trades', { task_id: open.task_id, limit: 10 });
    const stopClose = closedByStop.find((t: any) => t.position_id === open.position_id);
    expect(stopClose).toMatchObject({ exit_reason: 'task_stopped', exit_price: mark });

    // Research: a backtest's whole range from the stored history, aggregated to its timeframe, past the replay's position.
    const from = Math.floor(m1.time[0]! / 3_600_000) * 3_600_000; // the first hour's open
    const to = m1.time[BARS - 1]!;
    const hours = (await cache.series('XAUUSD', '1H'))!;
    const research = await call('market.candles', { symbol: 'XAUUSD', timeframe: '1h', from, to, limit: 20_000, range: 'stored' });
    expect(research.time).toEqual(Array.from(hours.time.subarray(0, hours.length)));
    expect(research.close).toEqual(Array.from(hours.close.subarray(0, hours.length)));
    const live = await call('market.candles', { symbol: 'XAUUSD', timeframe: '1h', from, to, limit: 20_000 });
    expect(live.time.length).toBeLessThan(research.time.length);

    // The journal runs on the replay's clock: its events carry 2024 dates like the trades, not today's.
    // (Fills and closes from the task's bars, and its lifecycle — started, stopped — from the kernel.)
    const { events } = await call('trading.events', { limit: 200 });
    expect(events.some((e: any) => e.type === 'TaskStarted')).toBe(true);
    expect(events.some((e: any) => e.type === 'TaskStopped')).toBe(true);
    expect(events.some((e: any) => e.type === 'OrderFilled')).toBe(true);
    for (const e of events) {
      const t = Date.parse(e.time);
      expect(t).toBeGreaterThanOrEqual(m1.time[0]!);
      expect(t).toBeLessThanOrEqual(m1.time[BARS - 1]! + 60_000);
    }
  }, 60_000);

  it('a timeframe the stored history cannot build is refused with what to do (4xx, nothing stored)', async () => {
    createSqliteCandleStore(context.db).write('XAGUSD', '1H', (() => {
      const s = allocateSeries(500);
      for (let i = 0; i < 500; i++) {
        s.time[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
        s.open[i] = 23; s.high[i] = 23.2; s.low[i] = 22.9; s.close[i] = 23.1; s.volume[i] = 1;
      }
      return s;
    })());
    const session = await call('session.create', { user_id: 'silver' });
    const result = await invokeProcedure(context.handlers, 'trading.start', { session_id: session.session_id, pair: 'XAGUSD', timeframe: '15M', strategy_name: 'simple_ma' }, (e) => {
      throw e;
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION_FAILED');
      expect(result.error.message).toMatch(/stored from 1H up.*Import 15M/);
    }
    expect((await call('trading.tasks', { session_id: session.session_id })).count).toBe(0);
    // The research chart of such a run says why it is empty instead of staying blank.
    const empty = await call('market.candles', { symbol: 'XAGUSD', timeframe: '15M', range: 'stored', from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 10) });
    expect(empty.time).toEqual([]);
    expect(empty.note).toMatch(/stored from 1H up/);
  });
});
