import { describe, expect, it } from 'vitest';
import {
  candleProblem,
  lowerBound,
  mergeSeries,
  normalizeSymbol,
  parseTimeframe,
  SeriesBuilder,
  seriesFromCandles,
  sortAndDedupe,
  TIMEFRAME_MS,
  upperBound,
} from './candles';

const bar = (time: number, price = 1, volume = 0) => ({ time, open: price, high: price, low: price, close: price, volume });

describe('timeframes and symbols', () => {
  it('knows the six timeframes and their durations', () => {
    expect(TIMEFRAME_MS).toEqual({ '1M': 60_000, '5M': 300_000, '15M': 900_000, '1H': 3_600_000, '4H': 14_400_000, '1D': 86_400_000 });
  });

  it('reads MetaTrader and ccxt spellings; 1M is a minute, never a month', () => {
    expect(['1M', 'M1', 'm1', '1m'].map(parseTimeframe)).toEqual(['1M', '1M', '1M', '1M']);
    expect(['H4', '4h', ' 1D ', 'd1', 'M15'].map(parseTimeframe)).toEqual(['4H', '4H', '1D', '1D', '15M']);
    expect(['2M', 'MN1', '1W', ''].map(parseTimeframe)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('normalizes symbols like the contract does', () => {
    expect(normalizeSymbol(' xauusd ')).toBe('XAUUSD');
    expect(normalizeSymbol('btc/usdt')).toBe('BTC/USDT');
    expect(normalizeSymbol('XAU USD')).toBeUndefined();
    expect(normalizeSymbol('X')).toBeUndefined();
  });
});

describe('candle rules', () => {
  it('explains what is wrong with a bar', () => {
    expect(candleProblem({ time: 0, open: 2, high: 3, low: 1, close: 2.5, volume: 0 })).toBeUndefined();
    expect(candleProblem({ time: 0.5, open: 2, high: 3, low: 1, close: 2.5, volume: 0 })).toMatch(/whole number/);
    expect(candleProblem({ time: 0, open: 2, high: 2.4, low: 1, close: 2.5, volume: 0 })).toBe('high is below open or close');
    expect(candleProblem({ time: 0, open: 2, high: 3, low: 2.1, close: 2.5, volume: 0 })).toBe('low is above open or close');
    expect(candleProblem({ time: 0, open: 2, high: 3, low: 1, close: Infinity, volume: 0 })).toBe('close is not a finite number');
    expect(candleProblem({ time: 0, open: 2, high: 3, low: 1, close: 2, volume: -1 })).toBe('volume is negative');
  });
});

describe('series operations', () => {
  it('sorts and keeps the later of equal times', () => {
    const s = seriesFromCandles([bar(3, 3), bar(1, 1), bar(2, 2), bar(1, 9), bar(3, 7)]);
    const { series, duplicates } = sortAndDedupe(s);
    expect(duplicates).toBe(2);
    expect(Array.from(series.time)).toEqual([1, 2, 3]);
    expect(Array.from(series.open)).toEqual([9, 2, 7]);
  });

  it('returns sorted input untouched', () => {
    const s = seriesFromCandles([bar(1), bar(2)]);
    expect(sortAndDedupe(s).series).toBe(s);
  });

  it('merges, the newer series winning on equal times', () => {
    const older = seriesFromCandles([bar(1, 1), bar(3, 3), bar(5, 5)]);
    const newer = seriesFromCandles([bar(2, 20), bar(3, 30), bar(6, 60)]);
    const { series, replaced } = mergeSeries(older, newer);
    expect(replaced).toBe(1);
    expect(Array.from(series.time)).toEqual([1, 2, 3, 5, 6]);
    expect(Array.from(series.open)).toEqual([1, 20, 30, 5, 60]);
  });

  it('finds bounds by time', () => {
    const s = seriesFromCandles([bar(10), bar(20), bar(30)]);
    expect([lowerBound(s, 5), lowerBound(s, 20), lowerBound(s, 25), lowerBound(s, 35)]).toEqual([0, 1, 2, 3]);
    expect([upperBound(s, 5), upperBound(s, 20), upperBound(s, 25), upperBound(s, 35)]).toEqual([0, 2, 2, 3]);
  });

  it('builds a series of any length', () => {
    const b = new SeriesBuilder(2);
    for (let i = 0; i < 1000; i++) b.push(i, i, i + 1, i - 1, i, i % 7);
    const s = b.build();
    expect(s.length).toBe(1000);
    expect(s.time.length).toBe(1000);
    expect([s.high[999], s.volume[999]]).toEqual([1000, 999 % 7]);
  });
});
