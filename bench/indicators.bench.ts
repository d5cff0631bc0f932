import {
  AverageDirectionalIndex,
  AverageTrueRange,
  ExponentialMovingAverage,
  RelativeStrengthIndex,
  SimpleMovingAverage,
  ZScore,
} from '../src/core/indicators';
import {
  referenceAdx,
  referenceAtr,
  referenceEma,
  referenceRollingStats,
  referenceRsi,
  referenceSma,
} from '../src/core/indicators/reference.test-helpers';
import { loadCandles, type CandleColumns } from '../test/kit/candles';
import type { Bench } from './run';

/**
 * Indicator updates per second over a million real bars (XAUUSD M1 2024, repeated), each incremental indicator side
 * by side with the naive reference the tests check it against, on the same data in the same run:
 *  - SMA and z-score: the reference recomputes the whole window at every bar (O(N) per bar), which is what the
 *    incremental ring buffers and anchored sums avoid;
 *  - EMA, RSI, ATR, ADX are recursive, so their reference is the textbook recursion as a tight loop over plain
 *    arrays, O(1) per bar too: there the ratio shows what the streaming object (one update call per bar, state in
 *    fields, values checked for warm-up) costs against batch code, not an algorithmic gain.
 * Each contender fills Float64Arrays with its values. Bar-based indicators are fed one reused bar object, as a
 * columnar caller would. Each contender runs once to warm up
 * (JIT), then the rounds interleave all contenders so drift in machine load hits them alike; figures are medians
 * of the process's CPU time per run (which counts garbage collection, also on helper threads).
 * `ratio.naive` = incremental updates/s ÷ reference updates/s.
 */

const TARGET_BARS = 1_000_000;
const ROUNDS = 5;

function repeatToMillion(file: CandleColumns): CandleColumns {
  const copies = Math.ceil(TARGET_BARS / file.length);
  const repeat = (column: Float64Array) => {
    const out = new Float64Array(TARGET_BARS);
    for (let copy = 0; copy < copies; copy++) {
      const offset = copy * file.length;
      out.set(column.subarray(0, Math.min(file.length, TARGET_BARS - offset)), offset);
    }
    return out;
  };
  return {
    time: repeat(file.time),
    open: repeat(file.open),
    high: repeat(file.high),
    low: repeat(file.low),
    close: repeat(file.close),
    volume: repeat(file.volume),
    length: TARGET_BARS,
  };
}

/*
 * One loop per indicator on purpose: a shared generic loop would make its `update` call site megamorphic (six
 * classes through one call site), so V8 could not inline it — a cost real callers, each with its own call site,
 * do not pay. The references have their own loops too.
 */

function runSma50(close: Float64Array): Float64Array {
  const sma = new SimpleMovingAverage(50);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = sma.update(close[i] as number) ?? Number.NaN;
  return out;
}

function runEma20(close: Float64Array): Float64Array {
  const ema = new ExponentialMovingAverage(20);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = ema.update(close[i] as number) ?? Number.NaN;
  return out;
}

function runRsi14(close: Float64Array): Float64Array {
  const rsi = new RelativeStrengthIndex(14);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = rsi.update(close[i] as number) ?? Number.NaN;
  return out;
}

function runZScore20(close: Float64Array): Float64Array {
  const zScore = new ZScore(20);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = zScore.update(close[i] as number) ?? Number.NaN;
  return out;
}

function runAtr14({ high, low, close }: CandleColumns): Float64Array {
  const atr = new AverageTrueRange(14);
  const bar = { high: 0, low: 0, close: 0 };
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) {
    bar.high = high[i] as number;
    bar.low = low[i] as number;
    bar.close = close[i] as number;
    out[i] = atr.update(bar) ?? Number.NaN;
  }
  return out;
}

function runAdx14({ high, low, close }: CandleColumns): Float64Array[] {
  const adx = new AverageDirectionalIndex(14);
  const bar = { high: 0, low: 0, close: 0 };
  const adxOut = new Float64Array(close.length);
  const plusDiOut = new Float64Array(close.length);
  const minusDiOut = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) {
    bar.high = high[i] as number;
    bar.low = low[i] as number;
    bar.close = close[i] as number;
    const value = adx.update(bar);
    adxOut[i] = value?.adx ?? Number.NaN;
    plusDiOut[i] = value?.plusDi ?? Number.NaN;
    minusDiOut[i] = value?.minusDi ?? Number.NaN;
  }
  return [adxOut, plusDiOut, minusDiOut];
}

/** CPU milliseconds (user + system) of one run: steadier than wall time on a shared, busy machine. */
function cpuMsOnce(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const bench: Bench = (report) => {
  const candles = repeatToMillion(loadCandles('XAUUSD_M1_2024-08_2024-10.csv'));
  const { close } = candles;
  const pairs: Array<[name: string, incremental: () => unknown, naive: () => unknown]> = [
    ['indicator.sma50', () => runSma50(close), () => referenceSma(close, 50)],
    ['indicator.ema20', () => runEma20(close), () => referenceEma(close, 20)],
    ['indicator.rsi14', () => runRsi14(close), () => referenceRsi(close, 14)],
    ['indicator.atr14', () => runAtr14(candles), () => referenceAtr(candles, 14)],
    ['indicator.zscore20', () => runZScore20(close), () => referenceRollingStats(close, 20)],
    ['indicator.adx14', () => runAdx14(candles), () => referenceAdx(candles, 14)],
  ];

  const incrementalMs = new Map<string, number[]>();
  const naiveMs = new Map<string, number[]>();
  for (const [name, incremental, naive] of pairs) {
    incremental();
    naive();
    incrementalMs.set(name, []);
    naiveMs.set(name, []);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, incremental, naive] of pairs) {
      incrementalMs.get(name)?.push(cpuMsOnce(incremental));
      naiveMs.get(name)?.push(cpuMsOnce(naive));
    }
  }

  for (const [name] of pairs) {
    const incrementalRate = TARGET_BARS / (median(incrementalMs.get(name) ?? []) / 1000);
    const naiveRate = TARGET_BARS / (median(naiveMs.get(name) ?? []) / 1000);
    report({
      bench: name,
      value: Math.round(incrementalRate),
      unit: 'updates/s',
      ratio: { naive: Math.round((incrementalRate / naiveRate) * 100) / 100 },
      naiveUpdatesPerSecond: Math.round(naiveRate),
      bars: TARGET_BARS,
    });
  }
};

export default bench;
