import type { Candle, Timeframe } from '../domain/candles';

/** Where live bars come from: a broker, a replay of stored history, or the seeded simulated market. */
export type FeedSource = 'broker' | 'replay' | 'simulated';

export interface FeedSubscription {
  /** Closed bars after `afterTime` (epoch ms of the bar open), oldest first, then live ones as they close. */
  readonly source: FeedSource;
  stop(): void;
}

/** A symbol's price now on a feed that keeps one market per symbol (the local replay / simulation). */
export interface MarketQuote {
  price: number;
  /** Open time (epoch ms) of the finest bar that set the price. */
  time: number;
  /** The symbol's market clock (epoch ms): replayed and simulated markets run on their own time, not the wall clock. */
  now: number;
  source: FeedSource;
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
  // Feeds with one market per symbol (one clock, one price for every timeframe, task, chart and valuation) answer
  // the following; broker feeds need not.
  /** The symbol's last price and market clock. */
  quote?(symbol: string): MarketQuote | undefined;
  /** Why a task on (symbol, timeframe) cannot run on this feed (e.g. only longer bars are stored), or undefined. */
  refusal?(symbol: string, timeframe: Timeframe): string | undefined;
  /** Open time of the last bar of `timeframe` closed on the symbol's clock: charts never show past the market's now. */
  lastClosedBarTime?(symbol: string, timeframe: Timeframe): number;
  /** The bar of `timeframe` still forming on the symbol's clock (so every chart's last price is the market's). */
  formingBar?(symbol: string, timeframe: Timeframe): Candle | undefined;
}
