import type { SeriesColumns } from './run-backtest';

/**
 * Candle columns in ONE SharedArrayBuffer (six Float64Array views: time, open, high, low, close, volume). Posting
 * them to a worker thread shares the memory instead of copying it: every backtest of a series, in any worker, reads
 * the same bytes. Nothing writes to them once filled.
 */
export function allocateSharedSeries(length: number): SeriesColumns {
  const buffer = new SharedArrayBuffer(Math.max(1, length) * 6 * 8);
  const column = (k: number) => new Float64Array(buffer, k * length * 8, length);
  return { time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5), length };
}

export function isShared(series: SeriesColumns): boolean {
  return series.close.buffer instanceof SharedArrayBuffer;
}

export function seriesBytes(series: SeriesColumns): number {
  return series.length * 6 * 8;
}

/** Index of the first bar with time ≥ t (binary search; bars sorted by time). */
export function firstAtOrAfter(series: SeriesColumns, t: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series.time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first bar with time > t. */
export function firstAfter(series: SeriesColumns, t: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series.time[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Aggregates bars into UTC-aligned buckets of `bucketMs` (4h buckets start at 00:00, 04:00, …; daily at 00:00 UTC):
 * open = first open, high = max, low = min, close = last close, volume = sum, time = the bucket's start. A bucket
 * holds whatever bars the source has in it (gaps are not filled). Written into a shared series.
 */
export function resampleSeries(source: SeriesColumns, bucketMs: number): SeriesColumns {
  let buckets = 0;
  let last = Number.NaN;
  for (let i = 0; i < source.length; i++) {
    const b = Math.floor((source.time[i] as number) / bucketMs);
    if (b !== last) {
      buckets++;
      last = b;
    }
  }
  const out = allocateSharedSeries(buckets);
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
