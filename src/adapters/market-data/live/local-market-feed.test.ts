import { afterEach, describe, expect, it } from 'vitest';
import { TIMEFRAME_MS, allocateSeries, setCandle, type Candle, type CandleSeries, type Timeframe } from '../../../core/domain/candles';
import { CandleCache } from '../../../core/backtest/candle-cache';
import { openDatabase } from '../../persistence/sqlite/database';
import { createSqliteCandleStore } from '../../persistence/sqlite/candle-store';
import type { CandleStore } from '../../../core/ports/candle-store';
import { LocalMarketFeed } from './local-market-feed';

const MINUTE = 60_000;
/** Monday 2024-03-04 00:00 UTC. */
const MONDAY = Date.UTC(2024, 2, 4);

/**
 * Synthetic M1 rows: `days` trading days from MONDAY, a weekend gap after Friday, and a few missing minutes inside
 * hours, so the aggregation meets gaps the way real exports have them.
 */
function m1Rows(days: number): CandleSeries {
  const rows: Candle[] = [];
  let price = 2000;
  for (let d = 0; d < days; d++) {
    const day = MONDAY + (d + Math.floor(d / 5) * 2) * 86_400_000; // Mon–Fri, skip Sat and Sun
    for (let m = 0; m < 1440; m++) {
      if (m % 97 === 13) continue; // a missing minute now and then
      const open = price;
      price = Math.round((price + Math.sin((d * 1440 + m) / 7) * 0.7) * 100) / 100;
      rows.push({ time: day + m * MINUTE, open, high: Math.max(open, price) + 0.1, low: Math.min(open, price) - 0.1, close: price, volume: 1 + (m % 5) });
    }
  }
  const s = allocateSeries(rows.length);
  rows.forEach((r, i) => setCandle(s, i, r));
  return s;
}

const feeds: LocalMarketFeed[] = [];
function feedOver(store: CandleStore, barsPerSecond = 100_000): LocalMarketFeed {
  const feed = new LocalMarketFeed({ store, barsPerSecond, seed: 7, warmUpBars: 30 });
  feeds.push(feed);
  return feed;
}
afterEach(() => {
  feeds.splice(0);
});

function memoryStore(): CandleStore {
  return createSqliteCandleStore(openDatabase(':memory:'));
}

/** Collects bars of one subscription until `count` arrived (or the replay ended). */
function collect(feed: LocalMarketFeed, symbol: string, timeframe: Timeframe, after: number | null, count: number, onEach?: (bar: Candle) => void) {
  const bars: Candle[] = [];
  let stop = () => {};
  const done = new Promise<Candle[]>((resolve) => {
    const sub = feed.subscribe(symbol, timeframe, after, (bar) => {
      bars.push(bar);
      onEach?.(bar);
      if (bars.length === count) {
        sub.stop();
        resolve(bars);
      }
    });
    stop = () => {
      sub.stop();
      resolve(bars);
    };
  });
  return { bars, done, stop: () => stop() };
}

describe('LocalMarketFeed: one market per symbol', () => {
  it('a 15M subscription after an M1 import trades on the imported rows: bars equal the backtester aggregation', async () => {
    const store = memoryStore();
    store.write('XAUUSD', '1M', m1Rows(7));
    const feed = feedOver(store);
    expect(feed.sourceOf('XAUUSD', '15M')).toBe('replay');
    const expected = (await new CandleCache(store).series('XAUUSD', '15M'))!;
    const byTime = new Map<number, Candle>();
    for (let i = 0; i < expected.length; i++) {
      byTime.set(expected.time[i]!, { time: expected.time[i]!, open: expected.open[i]!, high: expected.high[i]!, low: expected.low[i]!, close: expected.close[i]!, volume: expected.volume[i]! });
    }
    // Warm-up history and live bars, across the weekend gap.
    const warm = feed.history('XAUUSD', '15M', null, 50);
    expect(warm).toHaveLength(50);
    const live = collect(feed, 'XAUUSD', '15M', warm.at(-1)!.time, 400);
    const bars = await live.done;
    expect(bars).toHaveLength(400);
    for (const bar of [...warm, ...bars]) expect(bar).toEqual(byTime.get(bar.time));
    // The live bars follow the warm-up without a hole or a repeat, and cross the weekend.
    const all = [...warm, ...bars].map((b) => b.time);
    const expectedTimes = Array.from(expected.time.subarray(0, expected.length)).filter((t) => t >= all[0]!).slice(0, all.length);
    expect(all).toEqual(expectedTimes);
    expect(all.some((t, i) => i > 0 && t - all[i - 1]! > 86_400_000)).toBe(true);
  });

  it('tasks on 1M and 1H of one symbol see the same price at the same moment, and the quote is that price', async () => {
    const store = memoryStore();
    store.write('XAUUSD', '1M', m1Rows(3));
    const feed = feedOver(store);
    const minute = new Map<number, Candle>();
    const seen: { hour: Candle; minuteClose: number | undefined; quote: number | undefined }[] = [];
    const fast = collect(feed, 'XAUUSD', '1M', null, Number.POSITIVE_INFINITY, (bar) => minute.set(bar.time, bar));
    const slow = collect(feed, 'XAUUSD', '1H', null, 6, (hour) => {
      // At the moment the hour closes, the minute task has its last minute and the market quotes it.
      const lastMinute = [...minute.values()].filter((m) => m.time < hour.time + TIMEFRAME_MS['1H']).at(-1);
      seen.push({ hour, minuteClose: lastMinute?.close, quote: feed.quote('XAUUSD')?.price });
    });
    await slow.done;
    fast.stop();
    expect(seen).toHaveLength(6);
    for (const s of seen) {
      expect(s.minuteClose).toBe(s.hour.close);
      expect(s.quote).toBe(s.hour.close);
    }
    // Charts: the forming bar of every timeframe ends at the market's price.
    const quote = feed.quote('XAUUSD')!;
    for (const tf of ['1M', '5M', '15M', '1H', '4H'] as const) {
      const last = feed.formingBar('XAUUSD', tf) ?? feed.history('XAUUSD', tf, null, 1)[0];
      expect(last?.close).toBe(quote.price);
    }
  });

  it('simulated prices: one seeded 1M market per symbol, the 1H chart is its aggregation (no 1.04 vs 1.16)', () => {
    const feed = feedOver(memoryStore());
    expect(feed.sourceOf('EURUSD', '1H')).toBe('simulated');
    const hours = feed.history('EURUSD', '1H', null, 5);
    const minutes = feed.history('EURUSD', '1M', null, 300);
    expect(hours).toHaveLength(5);
    for (const hour of hours) {
      const inside = minutes.filter((m) => m.time >= hour.time && m.time < hour.time + TIMEFRAME_MS['1H']);
      expect(inside).toHaveLength(60);
      expect(hour.open).toBe(inside[0]!.open);
      expect(hour.close).toBe(inside.at(-1)!.close);
      expect(hour.high).toBe(Math.max(...inside.map((m) => m.high)));
    }
    expect(feed.quote('EURUSD')!.price).toBe(minutes.at(-1)!.close);
    expect(feed.quote('EURUSD')!.now).toBe(minutes.at(-1)!.time + MINUTE);
  });

  it('a timeframe finer than what is stored is refused with what to do; a new finer import is used once idle', () => {
    const store = memoryStore();
    const hourly = allocateSeries(100);
    for (let i = 0; i < 100; i++) setCandle(hourly, i, { time: MONDAY + i * 3_600_000, open: 1, high: 1.2, low: 0.9, close: 1.1, volume: 1 });
    store.write('XAGUSD', '1H', hourly);
    const feed = feedOver(store);
    expect(feed.refusal('XAGUSD', '4H')).toBeUndefined();
    expect(feed.refusal('XAGUSD', '15M')).toMatch(/stored from 1H up.*Import 15M/);
    expect(() => feed.subscribe('XAGUSD', '1M', null, () => {})).toThrow(/1H/);
    store.write('XAGUSD', '1M', m1Rows(1));
    expect(feed.refusal('XAGUSD', '15M')).toBeUndefined();
  });

  it('a task resumed behind the clock is caught up from history, then follows the same clock', async () => {
    const store = memoryStore();
    store.write('XAUUSD', '1M', m1Rows(2));
    const feed = feedOver(store, 2_000);
    const first = collect(feed, 'XAUUSD', '5M', null, 40);
    await first.done;
    const now = feed.quote('XAUUSD')!.now;
    // A 15M task that last saw a bar 2 hours before the clock: it gets every 15M bar since, then live ones.
    const resumeAt = Math.floor(now / (15 * MINUTE)) * 15 * MINUTE - 8 * 15 * MINUTE;
    const keepClock = collect(feed, 'XAUUSD', '1M', null, Number.POSITIVE_INFINITY);
    const late = collect(feed, 'XAUUSD', '15M', resumeAt, 12);
    const bars = await late.done;
    keepClock.stop();
    expect(bars.map((b) => b.time)).toEqual(Array.from({ length: 12 }, (_, i) => resumeAt + (i + 1) * 15 * MINUTE));
    const reference = feed.history('XAUUSD', '15M', bars.at(-1)!.time, 12);
    expect(bars).toEqual(reference);
  });
});
