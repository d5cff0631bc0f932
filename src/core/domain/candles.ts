/**
 * Candles (OHLCV bars) and timeframes.
 *
 * A series is columnar (one Float64Array per field) rather than an array of objects: a million bars are six flat
 * arrays, which load, slice and feed indicators without allocating a million objects. Float64 keeps every price
 * exactly as parsed from its decimal text; times are epoch milliseconds (UTC) of the bar's OPEN.
 */

export const TIMEFRAMES = ['1M', '5M', '15M', '1H', '4H', '1D'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1M': MINUTE,
  '5M': 5 * MINUTE,
  '15M': 15 * MINUTE,
  '1H': 60 * MINUTE,
  '4H': 240 * MINUTE,
  '1D': 1440 * MINUTE,
};

/**
 * Other spellings traders type: MetaTrader's M1/H1/D1 and ccxt's lower case. Note "1M" means one MINUTE here
 * (the workstation's own spelling), never a month; ccxt's lower-case "1m" is also a minute.
 */
const TIMEFRAME_ALIASES: Readonly<Record<string, Timeframe>> = {
  M1: '1M', M5: '5M', M15: '15M', H1: '1H', H4: '4H', D1: '1D',
  '1m': '1M', '5m': '5M', '15m': '15M', '1h': '1H', '4h': '4H', '1d': '1D',
};

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

/** The canonical timeframe for `value` (canonical or an alias), or undefined when it is not one. */
export function parseTimeframe(value: string): Timeframe | undefined {
  const v = value.trim();
  if (isTimeframe(v)) return v;
  return TIMEFRAME_ALIASES[v] ?? TIMEFRAME_ALIASES[v.toUpperCase()];
}

/** Same rule as the contract's pair field: "XAUUSD", "BTC/USDT", "US30.cash" → upper-cased. */
const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9._/-]{1,23}$/;

/** The stored spelling of a symbol (trimmed, upper case), or undefined when it is not a valid symbol. */
export function normalizeSymbol(value: string): string | undefined {
  const s = value.trim().toUpperCase();
  return SYMBOL_PATTERN.test(s) ? s : undefined;
}

export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const CANDLE_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CandleField = (typeof CANDLE_FIELDS)[number];

/** Columnar candles sorted by strictly increasing time. The arrays may be longer than `length`; only [0, length) counts. */
export interface CandleSeries {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

export function allocateSeries(length: number): CandleSeries {
  return {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    length,
  };
}

export const emptySeries = (): CandleSeries => allocateSeries(0);

export function candleAt(series: CandleSeries, i: number): Candle {
  return {
    time: series.time[i]!,
    open: series.open[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close: series.close[i]!,
    volume: series.volume[i]!,
  };
}

export function seriesFromCandles(candles: readonly Candle[]): CandleSeries {
  const s = allocateSeries(candles.length);
  candles.forEach((c, i) => setCandle(s, i, c));
  return s;
}

export function setCandle(series: CandleSeries, i: number, c: Candle): void {
  series.time[i] = c.time;
  series.open[i] = c.open;
  series.high[i] = c.high;
  series.low[i] = c.low;
  series.close[i] = c.close;
  series.volume[i] = c.volume;
}

/** Copies rows [from, to) into a new, exactly sized series. */
export function sliceSeries(series: CandleSeries, from = 0, to = series.length): CandleSeries {
  const lo = Math.max(0, from);
  const hi = Math.min(series.length, to);
  const n = Math.max(0, hi - lo);
  return {
    time: series.time.slice(lo, lo + n),
    open: series.open.slice(lo, lo + n),
    high: series.high.slice(lo, lo + n),
    low: series.low.slice(lo, lo + n),
    close: series.close.slice(lo, lo + n),
    volume: series.volume.slice(lo, lo + n),
    length: n,
  };
}

/** First index whose time is >= t (series.length when none). */
export function lowerBound(series: CandleSeries, t: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (series.time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is > t (series.length when none). */
export function upperBound(series: CandleSeries, t: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (series.time[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Why a bar is not a valid candle, or undefined when it is. Volume may be 0 (no ticks) but not negative. */
export function candleProblem(c: Candle): string | undefined {
  if (!Number.isInteger(c.time)) return 'time is not a whole number of milliseconds';
  for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (!Number.isFinite(c[field])) return `${field} is not a finite number`;
  }
  if (c.volume < 0) return 'volume is negative';
  if (c.high < Math.max(c.open, c.close)) return 'high is below open or close';
  if (c.low > Math.min(c.open, c.close)) return 'low is above open or close';
  return undefined;
}

/** The first invalid bar of a series (index and reason), or undefined when all are valid. */
export function seriesProblem(series: CandleSeries): { index: number; reason: string } | undefined {
  for (let i = 0; i < series.length; i++) {
    const reason = candleProblem(candleAt(series, i));
    if (reason) return { index: i, reason };
  }
  return undefined;
}

export function isStrictlyIncreasing(series: CandleSeries): boolean {
  for (let i = 1; i < series.length; i++) if (!(series.time[i]! > series.time[i - 1]!)) return false;
  return true;
}

/**
 * Sorts by time and keeps one bar per time: the LATER one in input order wins (a re-export corrects an earlier bar).
 * Returns the input itself when it is already strictly increasing.
 */
export function sortAndDedupe(series: CandleSeries): { series: CandleSeries; duplicates: number } {
  if (isStrictlyIncreasing(series)) return { series, duplicates: 0 };
  const order = Array.from({ length: series.length }, (_, i) => i);
  // Stable sort keeps input order among equal times, so the last of a run is the newest.
  order.sort((a, b) => series.time[a]! - series.time[b]!);
  const kept: number[] = [];
  for (const i of order) {
    const last = kept.length - 1;
    if (last >= 0 && series.time[kept[last]!] === series.time[i]) kept[last] = i;
    else kept.push(i);
  }
  const out = allocateSeries(kept.length);
  kept.forEach((src, dst) => copyRow(series, src, out, dst));
  return { series: out, duplicates: series.length - kept.length };
}

export function copyRow(from: CandleSeries, i: number, to: CandleSeries, j: number): void {
  to.time[j] = from.time[i]!;
  to.open[j] = from.open[i]!;
  to.high[j] = from.high[i]!;
  to.low[j] = from.low[i]!;
  to.close[j] = from.close[i]!;
  to.volume[j] = from.volume[i]!;
}

/**
 * Merges two sorted, duplicate-free series. On equal times the bar of `newer` wins.
 * `replaced` counts the times present in both.
 */
export function mergeSeries(older: CandleSeries, newer: CandleSeries): { series: CandleSeries; replaced: number } {
  const out = allocateSeries(older.length + newer.length);
  let i = 0;
  let j = 0;
  let k = 0;
  let replaced = 0;
  while (i < older.length || j < newer.length) {
    const a = i < older.length ? older.time[i]! : Infinity;
    const b = j < newer.length ? newer.time[j]! : Infinity;
    if (a < b) copyRow(older, i++, out, k++);
    else {
      if (a === b) {
        i++;
        replaced++;
      }
      copyRow(newer, j++, out, k++);
    }
  }
  return { series: k === out.length ? out : sliceSeries(out, 0, k), replaced };
}

/** Growable columnar buffer for parsers and live feeds: append bars, then take the series. */
export class SeriesBuilder {
  private s: CandleSeries;

  constructor(capacity = 1024) {
    this.s = allocateSeries(Math.max(1, capacity));
    this.s.length = 0;
  }

  get length(): number {
    return this.s.length;
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    const n = this.s.length;
    if (n === this.s.time.length) this.grow(n * 2);
    const s = this.s;
    s.time[n] = time;
    s.open[n] = open;
    s.high[n] = high;
    s.low[n] = low;
    s.close[n] = close;
    s.volume[n] = volume;
    s.length = n + 1;
  }

  /** An exactly sized copy of what was pushed. */
  build(): CandleSeries {
    return sliceSeries(this.s, 0, this.s.length);
  }

  private grow(capacity: number): void {
    const next = allocateSeries(capacity);
    for (const f of CANDLE_FIELDS) next[f].set(this.s[f].subarray(0, this.s.length));
    next.length = this.s.length;
    this.s = next;
  }
}

/** Open time of the UTC-aligned bucket of `bucketMs` that holds `time` (4h buckets start at 00:00, 04:00, …). */
export function bucketOf(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}

/**
 * THE aggregation rule from a shorter timeframe to a longer one (backtests, the live/replay feed and charts use it):
 * UTC-aligned buckets of `bucketMs`; open = first open, high = max, low = min, close = last close, volume = sum,
 * time = the bucket's start. A bucket holds whatever bars the source has in it (gaps are not filled).
 * `allocate` chooses the memory (the backtester passes shared memory for its workers).
 */
export function resampleColumns<S extends CandleSeries>(source: CandleSeries, bucketMs: number, allocate: (length: number) => S): S {
  let buckets = 0;
  let last = Number.NaN;
  for (let i = 0; i < source.length; i++) {
    const b = Math.floor((source.time[i] as number) / bucketMs);
    if (b !== last) {
      buckets++;
      last = b;
    }
  }
  const out = allocate(buckets);
  let k = -1;
  last = Number.NaN;
  for (let i = 0; i < source.length; i++) {
    const t = source.time[i] as number;
    const b = Math.floor(t / bucketMs);
    const high = source.high[i] as number;
    const low = source.low[i] as number;
    if (b !== last) {
      k++;
      last = b;
      out.time[k] = b * bucketMs;
      out.open[k] = source.open[i] as number;
      out.high[k] = high;
      out.low[k] = low;
      out.volume[k] = 0;
    } else {
      if (high > (out.high[k] as number)) out.high[k] = high;
      if (low < (out.low[k] as number)) out.low[k] = low;
    }
    out.close[k] = source.close[i] as number;
    out.volume[k] = (out.volume[k] as number) + (source.volume[i] as number);
  }
  return out;
}

/** The same rule into ordinary memory: the bars of `source` aggregated to `timeframe`. */
export function aggregateSeries(source: CandleSeries, timeframe: Timeframe): CandleSeries {
  return resampleColumns(source, TIMEFRAME_MS[timeframe], allocateSeries);
}

/** The finest timeframe of `stored` that `timeframe` is a whole multiple of (itself first), or undefined when none. */
export function finestSourceOf(timeframe: Timeframe, stored: readonly Timeframe[]): Timeframe | undefined {
  const target = TIMEFRAME_MS[timeframe];
  return TIMEFRAMES.filter((tf) => stored.includes(tf) && TIMEFRAME_MS[tf] <= target && target % TIMEFRAME_MS[tf] === 0)[0];
}
