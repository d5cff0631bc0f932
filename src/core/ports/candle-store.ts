import type { CandleSeries, Timeframe } from '../domain/candles';

/** Which bars to load. Times are epoch ms of the bar open, both bounds inclusive. */
export interface CandleQuery {
  from?: number;
  to?: number;
  /**
   * At most this many bars. Which ones: the LATEST in the range (a chart's or a strategy's warm-up: "the last 500
   * bars"), except when only `from` is given, then the EARLIEST from `from` (paging forward, like ccxt's since+limit).
   */
  limit?: number;
}

export interface CandleRange {
  /** Open time of the first and last stored bar (epoch ms); null when nothing is stored. */
  first: number | null;
  last: number | null;
  count: number;
}

export interface StoredSeries extends CandleRange {
  symbol: string;
  timeframe: Timeframe;
}

export interface CandleWriteResult {
  /** Bars in the write after its own duplicates were merged. */
  written: number;
  /** Of those, bars whose time was not stored yet. */
  added: number;
  /** Of those, bars that replaced a stored bar with the same time (the newer write wins). */
  replaced: number;
  /** Bars dropped because the same write held a later bar with the same time. */
  duplicatesInInput: number;
}

/**
 * Candle history per (symbol, timeframe). Implementations must be atomic per call: a write is fully stored or,
 * when it throws, leaves the store exactly as it was.
 */
export interface CandleStore {
  /**
   * Merges `series` into what is stored. Duplicate times: the bar in `series` replaces the stored one (the newer
   * import wins); within `series`, the later of two bars with one time wins. Input need not be sorted.
   * Throws (and stores nothing) when a bar is invalid: non-finite values, high < max(open, close), low > min(open, close).
   */
  write(symbol: string, timeframe: Timeframe, series: CandleSeries): CandleWriteResult;
  load(symbol: string, timeframe: Timeframe, query?: CandleQuery): CandleSeries;
  range(symbol: string, timeframe: Timeframe): CandleRange;
  list(): StoredSeries[];
  /** Removes every bar of the series; returns how many were removed. */
  delete(symbol: string, timeframe: Timeframe): number;
}
