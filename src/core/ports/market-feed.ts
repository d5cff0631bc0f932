import type { Candle, Timeframe } from '../domain/candles';

/** Where live bars come from: a broker, a replay of stored history, or the seeded simulated market. */
export type FeedSource = 'broker' | 'replay' | 'simulated';

export interface FeedSubscription {
  /** Closed bars after `afterTime` (epoch ms of the bar open), oldest first, then live ones as they close. */
  readonly source: FeedSource;
  stop(): void;
}

export interface MarketFeed {
  /**
   * Subscribes to closed bars of (symbol, timeframe) strictly after `afterTime` (null: from the feed's start).
   * `onBar` is awaited: the feed does not deliver the next bar before the previous one was processed.
   */
  subscribe(symbol: string, timeframe: Timeframe, afterTime: number | null, onBar: (bar: Candle) => Promise<void> | void): FeedSubscription;
  /** The `count` closed bars up to and including `untilTime` (for warm-up), oldest first, from what the feed holds. */
  history(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Candle[];
  /** The same, asked of a remote source (an MT5 terminal, an exchange) when the feed does not hold it yet. */
  fetchHistory?(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Promise<Candle[]>;
  sourceOf(symbol: string, timeframe: Timeframe): FeedSource;
}
