import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../domain/candles';
import type { CandleRange, CandleStore } from '../ports/candle-store';
import type { SeriesColumns } from './run-backtest';
import { allocateSharedSeries, resampleSeries, seriesBytes } from './shared-series';

/**
 * Stored candles as shared-memory series for the backtest workers, loaded once and reused by every backtest (and
 * every optimizer run) until the store changes. Loading runs on the thread that serves the API, so it goes in
 * slices with a yield to the event loop between them: a million bars never block a request for long.
 *
 * A timeframe that is not stored is aggregated from the longest shorter stored timeframe that divides it
 * (4h from 1h, 1d from 1h or 1m, ...), with UTC-aligned buckets.
 */

export interface SeriesSource {
  timeframe: Timeframe;
  range: CandleRange;
  resampled: boolean;
}

interface Entry {
  key: string;
  signature: string;
  series: SeriesColumns;
  bytes: number;
  lastUsed: number;
}

export interface CandleCacheOptions {
  /** Bars per store query while loading (default 50,000). */
  sliceBars?: number;
  /** Upper bound of cached bytes before the least recently used series are dropped (default 512 MiB ≈ 11 million bars). */
  maxBytes?: number;
  /** Called between slices (default: setImmediate), so the event loop keeps serving requests. */
  yieldToLoop?: () => Promise<void>;
}

const defaultYield = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CandleCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<SeriesColumns>>();
  private clock = 0;

  constructor(
    private readonly store: CandleStore,
    private readonly options: CandleCacheOptions = {},
  ) {}

  /** Which stored series serves (symbol, timeframe): itself when stored, else the best shorter one; undefined if none. */
  source(symbol: string, timeframe: Timeframe): SeriesSource | undefined {
    const own = this.store.range(symbol, timeframe);
    if (own.count > 0) return { timeframe, range: own, resampled: false };
    const target = TIMEFRAME_MS[timeframe];
    for (let k = TIMEFRAMES.indexOf(timeframe) - 1; k >= 0; k--) {
      const shorter = TIMEFRAMES[k] as Timeframe;
      if (target % TIMEFRAME_MS[shorter] !== 0) continue;
      const range = this.store.range(symbol, shorter);
      if (range.count > 0) return { timeframe: shorter, range, resampled: true };
    }
    return undefined;
  }

  /** The bars of (symbol, timeframe), stored or aggregated, as a shared series; undefined when nothing is stored. */
  async series(symbol: string, timeframe: Timeframe): Promise<SeriesColumns | undefined> {
    const source = this.source(symbol, timeframe);
    if (!source) return undefined;
    const key = `${symbol}|${timeframe}`;
    const signature = `${source.timeframe}|${source.range.count}|${source.range.first}|${source.range.last}`;
    const cached = this.entries.get(key);
    if (cached && cached.signature === signature) {
      cached.lastUsed = ++this.clock;
      return cached.series;
    }
    const pending = this.loading.get(`${key}|${signature}`);
    if (pending) return pending;
    const promise = (async () => {
      let series = await this.loadStored(symbol, source.timeframe, source.range.count);
      if (source.resampled) {
        await this.yieldToLoop();
        series = resampleSeries(series, TIMEFRAME_MS[timeframe]);
      }
      this.remember({ key, signature, series, bytes: seriesBytes(series), lastUsed: ++this.clock });
      return series;
    })();
    this.loading.set(`${key}|${signature}`, promise);
    try {
      return await promise;
    } finally {
      this.loading.delete(`${key}|${signature}`);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  private async loadStored(symbol: string, timeframe: Timeframe, expected: number): Promise<SeriesColumns> {
    const slice = this.options.sliceBars ?? 50_000;
    let out = allocateSharedSeries(expected);
    let n = 0;
    let cursor = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const part = this.store.load(symbol, timeframe, { from: cursor, limit: slice });
      if (part.length === 0) break;
      if (n + part.length > out.length) {
        // The store grew while we read: make room.
        const bigger = allocateSharedSeries(Math.max(n + part.length, out.length * 2));
        for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) bigger[f].set(out[f].subarray(0, n));
        out = bigger;
      }
      for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) out[f].set(part[f].subarray(0, part.length), n);
      n += part.length;
      cursor = (part.time[part.length - 1] as number) + 1;
      if (part.length < slice) break;
      await this.yieldToLoop();
    }
    if (n === out.length) return out;
    const exact = allocateSharedSeries(n);
    for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) exact[f].set(out[f].subarray(0, n));
    return exact;
  }

  private remember(entry: Entry): void {
    this.entries.set(entry.key, entry);
    const max = this.options.maxBytes ?? 512 * 1024 ** 2;
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    while (total > max && this.entries.size > 1) {
      let oldest: Entry | undefined;
      for (const e of this.entries.values()) if (e !== entry && (!oldest || e.lastUsed < oldest.lastUsed)) oldest = e;
      if (!oldest) break;
      this.entries.delete(oldest.key);
      total -= oldest.bytes;
    }
  }

  private yieldToLoop(): Promise<void> {
    return (this.options.yieldToLoop ?? defaultYield)();
  }
}
