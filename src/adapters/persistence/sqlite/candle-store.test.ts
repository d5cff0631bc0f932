import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { candleFixturesDirectory, loadCandles, sharedDataDirectory } from '../../../../test/kit/candles';
import { describeWithSharedData } from '../../../../test/kit/long-check';
import {
  CANDLE_FIELDS,
  seriesFromCandles,
  sliceSeries,
  type CandleSeries,
  type Timeframe,
} from '../../../core/domain/candles';
import type { CandleStore } from '../../../core/ports/candle-store';
import { createSqliteCandleStore } from './candle-store';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from './database';

const root = mkdtempSync(join(tmpdir(), 'echo-candles-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function freshStore(chunkBars?: number): { db: SqliteDatabase; store: CandleStore; file: string } {
  const file = join(root, `${++n}`, DATABASE_FILE);
  const db = openDatabase(file);
  return { db, store: createSqliteCandleStore(db, { chunkBars }), file };
}

const bits = (a: Float64Array, from = 0, to = a.length) => Buffer.from(a.buffer, a.byteOffset + from * 8, (to - from) * 8).toString('hex');

function expectSame(actual: CandleSeries, expected: CandleSeries) {
  expect(actual.length).toBe(expected.length);
  for (const f of CANDLE_FIELDS) expect(bits(actual[f], 0, actual.length), f).toBe(bits(expected[f], 0, expected.length));
}

const MIN = 60_000;
/** n M1 bars from t0, price derived from i so every bar is distinct and valid. */
function bars(count: number, t0 = Date.parse('2024-08-01T00:00:00Z'), price = (i: number) => 2400 + i / 100): CandleSeries {
  return seriesFromCandles(
    Array.from({ length: count }, (_, i) => {
      const p = price(i);
      return { time: t0 + i * MIN, open: p, high: p + 0.5, low: p - 0.5, close: p + 0.25, volume: i % 97 };
    }),
  );
}

const TIMEFRAME_OF: Record<string, Timeframe | undefined> = { M1: '1M', M5: '5M', H1: '1H', D1: '1D' };

/** Writes each file's candles (monthly ones skipped), reopens the database and reads them back; returns how many. */
function roundTrip(files: string[]): number {
  const { db, store, file } = freshStore();
  const written: [string, Timeframe, CandleSeries][] = [];
  for (const name of files) {
    const [symbol, tf] = name.split('_') as [string, string];
    const timeframe = TIMEFRAME_OF[tf];
    if (!timeframe) continue; // monthly bars: not a stored timeframe
    const series = loadCandles(name);
    // Some symbols have several files of one timeframe: keep each under its own name.
    const key = `${symbol}${written.filter(([s]) => s.startsWith(symbol)).length || ''}`;
    store.write(key, timeframe, series);
    written.push([key, timeframe, series]);
  }
  db.close();
  const reopened = createSqliteCandleStore(openDatabase(file));
  for (const [symbol, timeframe, series] of written) {
    expectSame(reopened.load(symbol, timeframe), series);
    expect(reopened.range(symbol, timeframe)).toEqual({ first: series.time[0], last: series.time[series.length - 1], count: series.length });
  }
  return written.length;
}

const SHARED_FILES = (() => {
  try {
    return readdirSync(sharedDataDirectory()).filter((f) => f.endsWith('.csv'));
  } catch {
    return [];
  }
})();
describeWithSharedData('SQLite candle store on every whole shared data file (long real-data check)', [], () => {
  it('loads every value back bit-identical, after reopening the database', () => {
    expect(roundTrip(SHARED_FILES)).toBeGreaterThanOrEqual(15);
  });
});

describe('SQLite candle store', () => {
  it('loads every value of every real candle fixture back bit-identical, after reopening the database', () => {
    const files = readdirSync(candleFixturesDirectory).filter((f) => f.endsWith('.csv.gz'));
    expect(roundTrip(files)).toBe(files.length);
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('answers range queries: bounds inclusive, mid-chunk, between bars, outside the data', () => {
    const { store } = freshStore(64);
    const s = bars(1000);
    store.write('XAUUSD', '1M', s);
    const t = (i: number) => s.time[i]!;
    expectSame(store.load('XAUUSD', '1M', { from: t(100), to: t(900) }), sliceSeries(s, 100, 901));
    expectSame(store.load('XAUUSD', '1M', { from: t(100) + 1, to: t(900) - 1 }), sliceSeries(s, 101, 900));
    expectSame(store.load('XAUUSD', '1M', { from: t(5) }), sliceSeries(s, 5));
    expectSame(store.load('XAUUSD', '1M', { to: t(5) }), sliceSeries(s, 0, 6));
    expectSame(store.load('XAUUSD', '1M', { from: t(63), to: t(64) }), sliceSeries(s, 63, 65));
    expect(store.load('XAUUSD', '1M', { from: t(999) + 1 }).length).toBe(0);
    expect(store.load('XAUUSD', '1M', { to: t(0) - 1 }).length).toBe(0);
    expect(store.load('XAUUSD', '1M', { from: t(10), to: t(9) }).length).toBe(0);
    expect(store.load('EURUSD', '1M').length).toBe(0);
    expect(store.load('XAUUSD', '1H').length).toBe(0);
  });

  it('limits to the latest bars, or the earliest from `from` when only `from` is given', () => {
    const { store } = freshStore(64);
    const s = bars(1000);
    store.write('XAUUSD', '1M', s);
    const t = (i: number) => s.time[i]!;
    expectSame(store.load('XAUUSD', '1M', { limit: 500 }), sliceSeries(s, 500));
    expectSame(store.load('XAUUSD', '1M', { limit: 5000 }), s);
    expectSame(store.load('XAUUSD', '1M', { to: t(700), limit: 100 }), sliceSeries(s, 601, 701));
    expectSame(store.load('XAUUSD', '1M', { from: t(10), to: t(700), limit: 100 }), sliceSeries(s, 601, 701));
    expectSame(store.load('XAUUSD', '1M', { from: t(10), limit: 100 }), sliceSeries(s, 10, 110));
    expect(store.load('XAUUSD', '1M', { limit: 0 }).length).toBe(0);
    expect(store.load('XAUUSD', '1M', { limit: 2.7 }).length).toBe(2);
    expect(() => store.load('XAUUSD', '1M', { from: Number.NaN })).toThrow(/must be numbers/);
  });

  it('merges overlapping writes: the newer write wins on equal times', () => {
    const { store } = freshStore(64);
    const old = bars(600);
    const newer = bars(600, old.time[400], (i) => 3000 + i); // overlaps bars 400..599 of `old`
    expect(store.write('XAUUSD', '1M', old)).toEqual({ written: 600, added: 600, replaced: 0, duplicatesInInput: 0 });
    expect(store.write('XAUUSD', '1M', newer)).toEqual({ written: 600, added: 400, replaced: 200, duplicatesInInput: 0 });
    const loaded = store.load('XAUUSD', '1M');
    expect(loaded.length).toBe(1000);
    expectSame(sliceSeries(loaded, 0, 400), sliceSeries(old, 0, 400));
    expectSame(sliceSeries(loaded, 400), newer);
    // Writing the same file again changes nothing but counts every bar as replaced.
    expect(store.write('XAUUSD', '1M', newer).replaced).toBe(600);
    expect(store.range('XAUUSD', '1M').count).toBe(1000);
  });

  it('fills gaps, accepts unsorted input and keeps the later of two bars with one time', () => {
    const { store } = freshStore(16);
    const s = bars(100);
    store.write('XAUUSD', '1M', sliceSeries(s, 0, 40));
    store.write('XAUUSD', '1M', sliceSeries(s, 60, 100));
    const middle = sliceSeries(s, 40, 60);
    const shuffled = seriesFromCandles(
      [...Array.from({ length: 20 }, (_, i) => 19 - i), 5].map((i) => ({
        time: middle.time[i]!, open: i === 5 ? 1 : middle.open[i]!, high: middle.high[i]!, low: i === 5 ? 0.5 : middle.low[i]!,
        close: middle.close[i]!, volume: middle.volume[i]!,
      })),
    );
    // Bar 5 appears twice in the input: the later one (open 1) wins.
    const result = store.write('XAUUSD', '1M', shuffled);
    expect(result).toEqual({ written: 20, added: 20, replaced: 0, duplicatesInInput: 1 });
    const loaded = store.load('XAUUSD', '1M');
    expect(loaded.length).toBe(100);
    expect(loaded.open[45]).toBe(1);
    expect(loaded.open[46]).toBe(s.open[46]);
  });

  it('appends live bars one at a time without growing a row per bar', () => {
    const { db, store } = freshStore(64);
    const s = bars(300);
    for (let i = 0; i < s.length; i++) store.write('XAUUSD', '1M', sliceSeries(s, i, i + 1));
    expectSame(store.load('XAUUSD', '1M'), s);
    const chunks = db.prepare('SELECT count(*) AS n FROM candle_chunks').get() as { n: number };
    expect(chunks.n).toBeLessThanOrEqual(Math.ceil(300 / 64) + 1);
  });

  it('leaves the store unchanged when a write fails halfway (one transaction per write)', () => {
    const { db, store } = freshStore(16);
    const s = bars(200);
    store.write('XAUUSD', '1M', sliceSeries(s, 0, 100));
    const before = store.load('XAUUSD', '1M');
    // A real SQLite failure in the middle of the write: the chunk holding bar 150 aborts, after the stored chunks
    // of bars 50..99 were rewritten and new chunks for bars 100..149 inserted.
    const span = 16 * MIN;
    const failAt = Math.floor(s.time[150]! / span) * span;
    db.exec(`CREATE TEMP TRIGGER fail_once BEFORE INSERT ON candle_chunks WHEN NEW.chunk_start = ${failAt}
             BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    const overlapping = bars(150, s.time[50], (i) => 5000 + i);
    expect(() => store.write('XAUUSD', '1M', overlapping)).toThrow(/disk on fire/);
    expectSame(store.load('XAUUSD', '1M'), before);
    expect(store.range('XAUUSD', '1M').count).toBe(100);
    // A brand-new series that fails leaves no trace either.
    expect(() => store.write('XAGUSD', '1M', overlapping)).toThrow(/disk on fire/);
    expect(store.list().map((x) => x.symbol)).toEqual(['XAUUSD']);
  });

  it('rejects invalid bars, symbols and timeframes without storing anything', () => {
    const { store } = freshStore();
    const s = bars(10);
    s.high[7] = s.open[7]! - 1;
    expect(() => store.write('XAUUSD', '1M', s)).toThrow(/Candle 7 .*high is below open or close/);
    s.high[7] = Number.NaN;
    expect(() => store.write('XAUUSD', '1M', s)).toThrow(/high is not a finite number/);
    expect(() => store.write('XAU USD', '1M', bars(1))).toThrow(/Invalid symbol/);
    expect(() => store.write('XAUUSD', '2M' as Timeframe, bars(1))).toThrow(/Unknown timeframe/);
    expect(store.list()).toEqual([]);
    expect(store.write('XAUUSD', '1M', bars(0))).toEqual({ written: 0, added: 0, replaced: 0, duplicatesInInput: 0 });
    expect(store.list()).toEqual([]);
  });

  it('lists stored series with counts and deletes one', () => {
    const { store } = freshStore(64);
    store.write('xauusd', '1M', bars(300));
    store.write('BTC/USDT', '1H', bars(10));
    expect(store.list()).toEqual([
      { symbol: 'BTC/USDT', timeframe: '1H', first: bars(1).time[0], last: bars(10).time[9], count: 10 },
      { symbol: 'XAUUSD', timeframe: '1M', first: bars(1).time[0], last: bars(300).time[299], count: 300 },
    ]);
    expect(store.delete('XAUUSD', '1M')).toBe(300);
    expect(store.delete('XAUUSD', '1M')).toBe(0);
    expect(store.range('XAUUSD', '1M')).toEqual({ first: null, last: null, count: 0 });
    expect(store.list().map((x) => x.symbol)).toEqual(['BTC/USDT']);
  });
});
