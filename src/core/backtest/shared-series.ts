import { resampleColumns } from '../domain/candles';
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
 * Aggregates bars into UTC-aligned buckets of `bucketMs` (the one rule, `resampleColumns` in core/domain/candles),
 * written into a shared series.
 */
export function resampleSeries(source: SeriesColumns, bucketMs: number): SeriesColumns {
  return resampleColumns(source, bucketMs, allocateSharedSeries);
}
