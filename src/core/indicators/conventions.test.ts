/**
 * The contract of types.ts, checked for every indicator on real daily candles: warm-up (first value exactly at
 * update number `warmUpPeriod`, never undefined afterwards, `value`/`isReady` in step), `reset()`, and no look-ahead
 * (values already returned never change — not by later bars, and not by different later bars).
 */
import { describe, expect, it } from 'vitest';
import type { CandleColumns } from '../../../test/kit/candles';
import {
  AverageDirectionalIndex,
  AverageTrueRange,
  BollingerBands,
  ExponentialMovingAverage,
  HeikinAshi,
  Highest,
  Lowest,
  Macd,
  MoneyFlowIndex,
  ParabolicSar,
  RelativeStrengthIndex,
  RollingStats,
  SimpleMovingAverage,
  Supertrend,
  WeightedMovingAverage,
  WilderMovingAverage,
  ZScore,
  type Indicator,
} from './index';
import {
  type Bar,
  bars,
  candles,
  referenceAdx,
  referenceAtr,
  referenceEma,
  referenceHeikinAshi,
  referenceMacd,
  referenceMfi,
  referencePsar,
  referenceRollingStats,
  referenceRsi,
  referenceSma,
  referenceSupertrend,
  referenceWma,
} from './reference.test-helpers';

/** Any indicator, fed whole bars (close-based ones get the close). */
interface BarIndicator {
  readonly warmUpPeriod: number;
  readonly value: unknown;
  readonly isReady: boolean;
  update(bar: Bar): unknown;
  reset(): void;
}

function onClose(indicator: Indicator<number, unknown>): BarIndicator {
  return {
    get warmUpPeriod() {
      return indicator.warmUpPeriod;
    },
    get value() {
      return indicator.value;
    },
    get isReady() {
      return indicator.isReady;
    },
    update: (bar) => indicator.update(bar.close),
    reset: () => indicator.reset(),
  };
}

const INDICATORS: ReadonlyArray<[name: string, create: () => BarIndicator, warmUpPeriod: number]> = [
  ['SMA(20)', () => onClose(new SimpleMovingAverage(20)), 20],
  ['EMA(20)', () => onClose(new ExponentialMovingAverage(20)), 20],
  ['WMA(20)', () => onClose(new WeightedMovingAverage(20)), 20],
  ['Wilder MA(14)', () => onClose(new WilderMovingAverage(14)), 14],
  ['RSI(14)', () => onClose(new RelativeStrengthIndex(14)), 15],
  ['ATR(14)', () => new AverageTrueRange(14), 14],
  ['RollingStats(20)', () => onClose(new RollingStats(20)), 20],
  ['ZScore(20)', () => onClose(new ZScore(20)), 20],
  ['Highest(20)', () => onClose(new Highest(20)), 20],
  ['Lowest(20)', () => onClose(new Lowest(20)), 20],
  ['MACD(12,26,9)', () => onClose(new Macd()), 34],
  ['Bollinger(20,2)', () => onClose(new BollingerBands()), 20],
  ['ADX(14)', () => new AverageDirectionalIndex(), 28],
  ['Supertrend(10,3)', () => new Supertrend(), 10],
  ['MFI(14)', () => new MoneyFlowIndex(), 15],
  ['PSAR', () => new ParabolicSar(), 2],
  ['Heikin-Ashi', () => new HeikinAshi(), 1],
];

/** Two years of daily bars: a 2004–2006 rally, gaps and all. */
const DAILY = bars(candles('GOOG_D1_2004-08-19_2013-03-01.csv.gz')).slice(0, 500);

/** The same bars from `from` on, moved: prices scaled by 1.37 and volumes halved. */
function alteredFrom(input: readonly Bar[], from: number): Bar[] {
  return input.map((bar, i) =>
    i < from
      ? bar
      : { open: bar.open * 1.37, high: bar.high * 1.37, low: bar.low * 1.37, close: bar.close * 1.37, volume: bar.volume / 2 },
  );
}

describe.each(INDICATORS)('%s', (_name, create, warmUpPeriod) => {
  it(`returns undefined for ${warmUpPeriod - 1} updates, then a value on every update`, () => {
    const indicator = create();
    expect(indicator.warmUpPeriod).toBe(warmUpPeriod);
    expect(indicator.isReady).toBe(false);
    expect(indicator.value).toBeUndefined();
    const problems: string[] = [];
    DAILY.forEach((bar, i) => {
      const returned = indicator.update(bar);
      if ((returned === undefined) !== (i + 1 < warmUpPeriod)) problems.push(`update ${i + 1} returned ${returned}`);
      if (indicator.value !== returned) problems.push(`update ${i + 1}: value is not what update returned`);
      if (indicator.isReady !== (returned !== undefined)) problems.push(`update ${i + 1}: isReady ${indicator.isReady}`);
    });
    expect(problems).toEqual([]);
  });

  it('reset() forgets everything: the same bars again give the same values', () => {
    const indicator = create();
    const first = DAILY.map((bar) => indicator.update(bar));
    indicator.reset();
    expect(indicator.isReady).toBe(false);
    expect(indicator.value).toBeUndefined();
    expect(DAILY.map((bar) => indicator.update(bar))).toEqual(first);
  });

  it('never looks ahead: values returned so far survive later bars, and different later bars', () => {
    const indicator = create();
    const returned: unknown[] = [];
    const snapshots: unknown[] = [];
    for (const bar of DAILY) {
      const value = indicator.update(bar);
      returned.push(value);
      snapshots.push(structuredClone(value));
    }
    // Objects handed out earlier were not mutated by later updates.
    expect(returned).toEqual(snapshots);

    for (const from of [warmUpPeriod + 5, 250, DAILY.length - 30]) {
      const other = create();
      const altered = alteredFrom(DAILY, from).map((bar) => other.update(bar));
      expect(altered.slice(0, from), `bars before ${from}`).toEqual(snapshots.slice(0, from));
      expect(altered.slice(from), `the altered bars from ${from} on do matter`).not.toEqual(snapshots.slice(from));
    }
  });
});

describe('the reference computations', () => {
  const daily = candles('GOOG_D1_2004-08-19_2013-03-01.csv.gz');
  const truncated = (to: number): CandleColumns => ({
    time: daily.time.slice(0, to),
    open: daily.open.slice(0, to),
    high: daily.high.slice(0, to),
    low: daily.low.slice(0, to),
    close: daily.close.slice(0, to),
    volume: daily.volume.slice(0, to),
    length: to,
  });
  const references: ReadonlyArray<[string, (c: CandleColumns) => Float64Array[]]> = [
    ['SMA', (c) => [referenceSma(c.close, 20)]],
    ['EMA', (c) => [referenceEma(c.close, 20)]],
    ['WMA', (c) => [referenceWma(c.close, 20)]],
    ['RSI', (c) => [referenceRsi(c.close, 14)]],
    ['ATR', (c) => [referenceAtr(c, 14)]],
    ['stats', (c) => Object.values(referenceRollingStats(c.close, 20))],
    ['MACD', (c) => Object.values(referenceMacd(c.close, 12, 26, 9))],
    ['ADX', (c) => Object.values(referenceAdx(c, 14))],
    ['Supertrend', (c) => Object.values(referenceSupertrend(c, 10, 3))],
    ['MFI', (c) => [referenceMfi(c, 14)]],
    ['PSAR', (c) => Object.values(referencePsar(c, 0.02, 0.02, 0.2))],
    ['Heikin-Ashi', (c) => Object.values(referenceHeikinAshi(c))],
  ];

  it.each(references)('%s: computed on a prefix of the bars, equals the prefix of the whole', (_name, compute) => {
    const whole = compute(daily);
    for (const to of [40, 500, 1500]) {
      compute(truncated(to)).forEach((series, k) => expect(series).toEqual((whole[k] as Float64Array).slice(0, to)));
    }
  });
});

describe('parameters', () => {
  it.each([0, -3, 2.5, Number.NaN])('refuses the period %s with a RangeError', (period) => {
    for (const create of [
      () => new SimpleMovingAverage(period),
      () => new ExponentialMovingAverage(period),
      () => new WeightedMovingAverage(period),
      () => new WilderMovingAverage(period),
      () => new RelativeStrengthIndex(period),
      () => new AverageTrueRange(period),
      () => new RollingStats(period),
      () => new ZScore(period),
      () => new Highest(period),
      () => new Lowest(period),
      () => new Macd(period, 26, 9),
      () => new BollingerBands(period),
      () => new AverageDirectionalIndex(period),
      () => new Supertrend(period),
      () => new MoneyFlowIndex(period),
    ]) {
      expect(create).toThrow(RangeError);
    }
  });

  it('refuses non-positive multipliers and acceleration factors', () => {
    expect(() => new BollingerBands(20, 0)).toThrow(RangeError);
    expect(() => new Supertrend(10, -1)).toThrow(RangeError);
    expect(() => new ParabolicSar({ start: 0 })).toThrow(RangeError);
    expect(() => new ParabolicSar({ start: 0.3, maximum: 0.2 })).toThrow(RangeError);
  });
});
