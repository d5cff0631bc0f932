/**
 * Reference computations for the indicator tests: the textbook formulas, written the plain way — whole arrays in,
 * whole arrays out, every windowed quantity recomputed from its window at every bar, recursive ones (EMA, Wilder
 * smoothing, SAR) as the book's recursion over arrays. Slow on purpose and independent of the incremental code
 * (no ring buffers, running sums or shared helpers). NaN marks "no value yet" in reference output.
 *
 * Also: the real candles they run on, and running an incremental indicator over them. Free of vitest, so the
 * benchmark can time the same references (bench/indicators.bench.ts).
 */
import { loadCandles, type CandleColumns } from '../../../test/kit/candles';
import type { Indicator } from './types';

// ————— data —————

/** Real candles the reference tests run on: fixtures cut from the shared files (test/fixtures/candles). Chosen for contrast: */
export const REFERENCE_FILES = [
  /** gold M1, ~2400 with 2 decimals: the catastrophic-cancellation case for variance. 68,943 bars. */
  'XAUUSD_M1_2024-08-01_2024-10-11.csv.gz',
  /** EURUSD M1, ~1.17 with 5 decimals, quiet nights with flat windows. 8,635 bars (of 30,203). */
  'EURUSD_M1_2018-05-31_2018-06-08.csv.gz',
  /** BTC/USDT M1, ~28,000, fractional volumes. 12,960 bars (of 71,041). */
  'BTCUSDT_M1_2023-03-27_2023-04-04.csv.gz',
  /** GOOG daily, large moves and gaps. 2,148 bars. */
  'GOOG_D1_2004-08-19_2013-03-01.csv.gz',
] as const;

const loaded = new Map<string, CandleColumns>();

/** Each file is parsed once per test worker. Treat the arrays as read-only. */
export function candles(fileName: string): CandleColumns {
  let columns = loaded.get(fileName);
  if (columns === undefined) {
    columns = loadCandles(fileName);
    loaded.set(fileName, columns);
  }
  return columns;
}

export interface Bar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The candles as one object per bar, for indicators fed whole bars. */
export function bars(columns: CandleColumns): Bar[] {
  return Array.from({ length: columns.length }, (_, index) => ({
    open: columns.open[index] as number,
    high: columns.high[index] as number,
    low: columns.low[index] as number,
    close: columns.close[index] as number,
    volume: columns.volume[index] as number,
  }));
}

// ————— running an incremental indicator —————

/** Feeds every input and records each returned value (NaN while warming up). */
export function runScalar<Input>(indicator: Indicator<Input, number>, inputs: ArrayLike<Input>): Float64Array {
  const out = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = indicator.update(inputs[i] as Input) ?? Number.NaN;
  return out;
}

/** Feeds every input and records the named numeric fields of each returned value (NaN while warming up). */
export function runFields<Input, Output extends object, Field extends keyof Output & string>(
  indicator: Indicator<Input, Output>,
  inputs: ArrayLike<Input>,
  fields: readonly Field[],
): Record<Field, Float64Array> {
  const out = Object.fromEntries(fields.map((field) => [field, new Float64Array(inputs.length)])) as Record<
    Field,
    Float64Array
  >;
  for (let i = 0; i < inputs.length; i++) {
    const value = indicator.update(inputs[i] as Input);
    for (const field of fields) out[field][i] = value === undefined ? Number.NaN : (value[field] as number);
  }
  return out;
}

// ————— references —————

function noValues(length: number): Float64Array {
  return new Float64Array(length).fill(Number.NaN);
}

/** Σ values[end − period + 1 .. end], summed afresh. */
function windowSum(values: ArrayLike<number>, end: number, period: number): number {
  let sum = 0;
  for (let j = end - period + 1; j <= end; j++) sum += values[j] as number;
  return sum;
}

/** SMA: the window summed afresh at every bar. */
export function referenceSma(values: ArrayLike<number>, period: number): Float64Array {
  const out = noValues(values.length);
  for (let i = period - 1; i < values.length; i++) out[i] = windowSum(values, i, period) / period;
  return out;
}

/**
 * EMA with α = 2/(N+1) over values[first..]: the first value (at first + N − 1) is the SMA of the first N values,
 * then EMA_t = α·x_t + (1 − α)·EMA_{t−1}. Values before `first` are ignored (MACD's signal line starts late).
 */
export function referenceEma(values: ArrayLike<number>, period: number, first = 0): Float64Array {
  const alpha = 2 / (period + 1);
  const out = noValues(values.length);
  const seedAt = first + period - 1;
  if (seedAt >= values.length) return out;
  out[seedAt] = windowSum(values, seedAt, period) / period;
  for (let i = seedAt + 1; i < values.length; i++) {
    out[i] = alpha * (values[i] as number) + (1 - alpha) * (out[i - 1] as number);
  }
  return out;
}

/** Wilder's smoothing over values[first..]: SMA of the first N, then avg_t = (avg_{t−1}·(N − 1) + x_t) / N. */
export function referenceWilderAverage(values: ArrayLike<number>, period: number, first = 0): Float64Array {
  const out = noValues(values.length);
  const seedAt = first + period - 1;
  if (seedAt >= values.length) return out;
  out[seedAt] = windowSum(values, seedAt, period) / period;
  for (let i = seedAt + 1; i < values.length; i++) {
    out[i] = ((out[i - 1] as number) * (period - 1) + (values[i] as number)) / period;
  }
  return out;
}

/** WMA: weights 1..N from oldest to newest, summed afresh at every bar. */
export function referenceWma(values: ArrayLike<number>, period: number): Float64Array {
  const out = noValues(values.length);
  const weightTotal = (period * (period + 1)) / 2;
  for (let i = period - 1; i < values.length; i++) {
    let weighted = 0;
    for (let k = 0; k < period; k++) weighted += (k + 1) * (values[i - period + 1 + k] as number);
    out[i] = weighted / weightTotal;
  }
  return out;
}

/** RSI = 100 − 100/(1 + RS), RS = Wilder-smoothed gains / losses of the N changes; 100 if no losses, 50 if flat. */
export function referenceRsi(closes: ArrayLike<number>, period: number): Float64Array {
  const gains = new Float64Array(closes.length);
  const losses = new Float64Array(closes.length);
  for (let i = 1; i < closes.length; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number);
    gains[i] = Math.max(change, 0);
    losses[i] = Math.max(-change, 0);
  }
  const averageGain = referenceWilderAverage(gains, period, 1);
  const averageLoss = referenceWilderAverage(losses, period, 1);
  const out = noValues(closes.length);
  for (let i = period; i < closes.length; i++) {
    const gain = averageGain[i] as number;
    const loss = averageLoss[i] as number;
    if (loss === 0) out[i] = gain === 0 ? 50 : 100;
    else out[i] = 100 - 100 / (1 + gain / loss);
  }
  return out;
}

/** True range per bar: max(H − L, |H − prevC|, |L − prevC|); the first bar's is H − L. */
function referenceTrueRange(c: CandleColumns): Float64Array {
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const high = c.high[i] as number;
    const low = c.low[i] as number;
    if (i === 0) out[i] = high - low;
    else {
      const previousClose = c.close[i - 1] as number;
      out[i] = Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose));
    }
  }
  return out;
}

export function referenceAtr(c: CandleColumns, period: number): Float64Array {
  return referenceWilderAverage(referenceTrueRange(c), period);
}

export interface ReferenceStats {
  mean: Float64Array;
  standardDeviation: Float64Array;
  zScore: Float64Array;
}

/**
 * Two-pass mean and population σ of each window: mean = Σx/N, σ = √(Σ(x − mean)²/N), z = (x_t − mean)/σ.
 * A window of identical values is mean = that value, σ = 0, z = 0 (checked exactly, value by value).
 */
export function referenceRollingStats(values: ArrayLike<number>, period: number): ReferenceStats {
  const mean = noValues(values.length);
  const standardDeviation = noValues(values.length);
  const zScore = noValues(values.length);
  for (let i = period - 1; i < values.length; i++) {
    const latest = values[i] as number;
    let flat = true;
    for (let j = i - period + 1; j <= i; j++) flat &&= values[j] === latest;
    if (flat) {
      mean[i] = latest;
      standardDeviation[i] = 0;
      zScore[i] = 0;
      continue;
    }
    const m = windowSum(values, i, period) / period;
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) squares += ((values[j] as number) - m) ** 2;
    const sd = Math.sqrt(squares / period);
    mean[i] = m;
    standardDeviation[i] = sd;
    zScore[i] = (latest - m) / sd;
  }
  return { mean, standardDeviation, zScore };
}

export function referenceHighest(values: ArrayLike<number>, period: number): Float64Array {
  const out = noValues(values.length);
  for (let i = period - 1; i < values.length; i++) {
    let highest = -Infinity;
    for (let j = i - period + 1; j <= i; j++) highest = Math.max(highest, values[j] as number);
    out[i] = highest;
  }
  return out;
}

export function referenceLowest(values: ArrayLike<number>, period: number): Float64Array {
  const out = noValues(values.length);
  for (let i = period - 1; i < values.length; i++) {
    let lowest = Infinity;
    for (let j = i - period + 1; j <= i; j++) lowest = Math.min(lowest, values[j] as number);
    out[i] = lowest;
  }
  return out;
}

/** MACD line = EMA(fast) − EMA(slow); signal = EMA(signal) of the line from its first value; histogram = difference. */
export function referenceMacd(values: ArrayLike<number>, fast: number, slow: number, signalPeriod: number) {
  const fastEma = referenceEma(values, fast);
  const slowEma = referenceEma(values, slow);
  const line = noValues(values.length);
  for (let i = slow - 1; i < values.length; i++) line[i] = (fastEma[i] as number) - (slowEma[i] as number);
  const signalLine = referenceEma(line, signalPeriod, slow - 1);
  const macd = noValues(values.length);
  const signal = noValues(values.length);
  const histogram = noValues(values.length);
  for (let i = slow + signalPeriod - 2; i < values.length; i++) {
    macd[i] = line[i] as number;
    signal[i] = signalLine[i] as number;
    histogram[i] = (line[i] as number) - (signalLine[i] as number);
  }
  return { macd, signal, histogram };
}

export function referenceBollinger(values: ArrayLike<number>, period: number, width: number) {
  const { mean, standardDeviation } = referenceRollingStats(values, period);
  const upper = mean.map((m, i) => m + width * (standardDeviation[i] as number));
  const lower = mean.map((m, i) => m - width * (standardDeviation[i] as number));
  return { middle: mean, upper, lower, standardDeviation };
}

/** Wilder's ADX, +DI, −DI as the class documents it, step by step over arrays. */
export function referenceAdx(c: CandleColumns, period: number) {
  const n = c.length;
  const plusDm = new Float64Array(n);
  const minusDm = new Float64Array(n);
  const trueRanges = referenceTrueRange(c);
  for (let i = 1; i < n; i++) {
    const up = (c.high[i] as number) - (c.high[i - 1] as number);
    const down = (c.low[i - 1] as number) - (c.low[i] as number);
    plusDm[i] = up > down && up > 0 ? up : 0;
    minusDm[i] = down > up && down > 0 ? down : 0;
  }
  const smoothedTr = referenceWilderAverage(trueRanges, period, 1);
  const smoothedPlus = referenceWilderAverage(plusDm, period, 1);
  const smoothedMinus = referenceWilderAverage(minusDm, period, 1);
  const plusDi = noValues(n);
  const minusDi = noValues(n);
  const dx = noValues(n);
  for (let i = period; i < n; i++) {
    const tr = smoothedTr[i] as number;
    plusDi[i] = tr === 0 ? 0 : (100 * (smoothedPlus[i] as number)) / tr;
    minusDi[i] = tr === 0 ? 0 : (100 * (smoothedMinus[i] as number)) / tr;
    const sum = (plusDi[i] as number) + (minusDi[i] as number);
    dx[i] = sum === 0 ? 0 : (100 * Math.abs((plusDi[i] as number) - (minusDi[i] as number))) / sum;
  }
  const adx = referenceWilderAverage(dx, period, period);
  for (let i = 0; i < Math.min(n, 2 * period - 1); i++) {
    plusDi[i] = Number.NaN;
    minusDi[i] = Number.NaN;
  }
  return { adx, plusDi, minusDi };
}

/**
 * TradingView's `ta.supertrend` (its pine source), direction sign flipped: 1 = up. Pine tells the previous trend by
 * comparing the previous line with the previous upper band; here it is the previous direction, which is the same
 * unless both bands coincide (ATR = 0).
 */
export function referenceSupertrend(c: CandleColumns, atrPeriod: number, multiplier: number) {
  const atr = referenceAtr(c, atrPeriod);
  const level = noValues(c.length);
  const direction = noValues(c.length);
  const upperBand = noValues(c.length);
  const lowerBand = noValues(c.length);
  for (let i = atrPeriod - 1; i < c.length; i++) {
    const middle = ((c.high[i] as number) + (c.low[i] as number)) / 2;
    let upper = middle + multiplier * (atr[i] as number);
    let lower = middle - multiplier * (atr[i] as number);
    if (i === atrPeriod - 1) {
      direction[i] = -1;
    } else {
      const previousClose = c.close[i - 1] as number;
      const previousUpper = upperBand[i - 1] as number;
      const previousLower = lowerBand[i - 1] as number;
      lower = lower > previousLower || previousClose < previousLower ? lower : previousLower;
      upper = upper < previousUpper || previousClose > previousUpper ? upper : previousUpper;
      const close = c.close[i] as number;
      if (direction[i - 1] === -1) direction[i] = close > upper ? 1 : -1;
      else direction[i] = close < lower ? -1 : 1;
    }
    upperBand[i] = upper;
    lowerBand[i] = lower;
    level[i] = direction[i] === 1 ? lower : upper;
  }
  return { level, direction };
}

/** MFI from the window's positive and negative money flows, summed afresh at every bar. */
export function referenceMfi(c: CandleColumns, period: number): Float64Array {
  const typical = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    typical[i] = ((c.high[i] as number) + (c.low[i] as number) + (c.close[i] as number)) / 3;
  }
  const out = noValues(c.length);
  for (let i = period; i < c.length; i++) {
    let positive = 0;
    let negative = 0;
    for (let j = i - period + 1; j <= i; j++) {
      const flow = (typical[j] as number) * (c.volume[j] as number);
      if ((typical[j] as number) > (typical[j - 1] as number)) positive += flow;
      else if ((typical[j] as number) < (typical[j - 1] as number)) negative += flow;
    }
    out[i] = positive + negative === 0 ? 50 : 100 - 100 / (1 + positive / negative);
  }
  return out;
}

/**
 * Wilder's Parabolic SAR, following his worksheet: per bar, first check for a reversal against the SAR in force,
 * then move EP/af and compute the next bar's SAR, kept out of the last two bars' ranges. Start as ParabolicSar says.
 */
export function referencePsar(c: CandleColumns, start: number, step: number, maximum: number) {
  const sarOut = noValues(c.length);
  const directionOut = noValues(c.length);
  if (c.length < 2) return { sar: sarOut, direction: directionOut };
  const H = (i: number) => c.high[i] as number;
  const L = (i: number) => c.low[i] as number;

  const downMove = L(0) - L(1);
  const upMove = H(1) - H(0);
  let long = !(downMove > 0 && downMove > upMove);
  let sar = long ? L(0) : H(0);
  let ep = long ? H(1) : L(1);
  let af = start;
  for (let i = 1; i < c.length; i++) {
    let next: number;
    if (long && L(i) <= sar) {
      long = false;
      sar = Math.max(ep, H(i - 1), H(i));
      ep = L(i);
      af = start;
      next = Math.max(sar + af * (ep - sar), H(i - 1), H(i));
    } else if (!long && H(i) >= sar) {
      long = true;
      sar = Math.min(ep, L(i - 1), L(i));
      ep = H(i);
      af = start;
      next = Math.min(sar + af * (ep - sar), L(i - 1), L(i));
    } else if (long) {
      if (H(i) > ep) {
        ep = H(i);
        af = Math.min(af + step, maximum);
      }
      next = Math.min(sar + af * (ep - sar), L(i - 1), L(i));
    } else {
      if (L(i) < ep) {
        ep = L(i);
        af = Math.min(af + step, maximum);
      }
      next = Math.max(sar + af * (ep - sar), H(i - 1), H(i));
    }
    sarOut[i] = sar;
    directionOut[i] = long ? 1 : -1;
    sar = next;
  }
  return { sar: sarOut, direction: directionOut };
}

export function referenceHeikinAshi(c: CandleColumns) {
  const open = new Float64Array(c.length);
  const high = new Float64Array(c.length);
  const low = new Float64Array(c.length);
  const close = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const o = c.open[i] as number;
    const h = c.high[i] as number;
    const l = c.low[i] as number;
    const cl = c.close[i] as number;
    close[i] = (o + h + l + cl) / 4;
    open[i] = i === 0 ? (o + cl) / 2 : ((open[i - 1] as number) + (close[i - 1] as number)) / 2;
    high[i] = Math.max(h, open[i] as number, close[i] as number);
    low[i] = Math.min(l, open[i] as number, close[i] as number);
  }
  return { open, high, low, close };
}
