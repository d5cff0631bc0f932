import { TIMEFRAME_MS, type Candle, type Timeframe } from '../../../core/domain/candles';
import type { CandleStore } from '../../../core/ports/candle-store';
import type { FeedSource, FeedSubscription, MarketFeed, MarketQuote } from '../../../core/ports/market-feed';
import { finestStoredTimeframe, replayBars, simulatedBars } from './base-bars';
import { SymbolMarket } from './symbol-market';

export interface LocalFeedOptions {
  store: CandleStore;
  /** Bars of the finest timeframe traded on a symbol delivered per second (replay and simulation speed). */
  barsPerSecond: number;
  seed: number;
  /** Warm-up history kept behind where a symbol's market starts (in hours, or base bars when those are longer). */
  warmUpBars: number;
  /** Told each time a symbol's market clock moves (screens refetch on it instead of polling). */
  onStep?: (symbol: string, time: number) => void;
}

/**
 * The default feed with no broker connected: one market per symbol (see SymbolMarket) — the finest stored timeframe
 * replayed, or where nothing is stored the seeded simulated market — shared by every task, chart, quote and
 * valuation of the symbol. `sourceOf` says which, so the UI can label simulated prices as such.
 */
export class LocalMarketFeed implements MarketFeed {
  private readonly markets = new Map<string, SymbolMarket>();

  constructor(private readonly options: LocalFeedOptions) {}

  setSpeed(barsPerSecond: number): void {
    this.options.barsPerSecond = barsPerSecond;
    // A bar already waited for at the old speed (at 0.0001 bars/s: hours) is rescheduled at the new one.
    for (const market of this.markets.values()) market.retime();
  }

  get speed(): number {
    return this.options.barsPerSecond;
  }

  /** The symbol's market; rebuilt from the store while nobody trades it, so a new import is used from then on. */
  market(symbol: string): SymbolMarket {
    const { store, seed, warmUpBars } = this.options;
    const existing = this.markets.get(symbol);
    if (existing && existing.subscriberCount > 0) return existing;
    const base = finestStoredTimeframe(store, symbol);
    const signature = base ? `replay|${base}` : 'simulated|1M';
    if (existing && existing.bars.signature === signature) return existing;
    const bars = base ? replayBars(store, symbol, base, warmUpBars) : simulatedBars(seed, symbol, warmUpBars);
    const market = new SymbolMarket(symbol, bars, () => this.options.barsPerSecond, (time) => this.options.onStep?.(symbol, time));
    this.markets.set(symbol, market);
    return market;
  }

  sourceOf(symbol: string, _timeframe?: Timeframe): FeedSource {
    return this.market(symbol).bars.kind;
  }

  refusal(symbol: string, timeframe: Timeframe): string | undefined {
    const market = this.market(symbol);
    if (market.serves(timeframe)) return undefined;
    const base = market.bars.base;
    return `${symbol} is stored from ${base} up: a ${timeframe} task cannot be built from ${base} bars. Import ${timeframe} (or finer) history of ${symbol}, or choose ${base} or a longer timeframe`;
  }

  quote(symbol: string): MarketQuote | undefined {
    const q = this.market(symbol).quote();
    return q && { price: q.price, time: q.barTime, now: q.now, source: this.sourceOf(symbol) };
  }

  marketTime(symbol: string): number {
    return this.market(symbol).now;
  }

  lastClosedBarTime(symbol: string, timeframe: Timeframe): number {
    return this.market(symbol).lastClosedOpen(timeframe);
  }

  formingBar(symbol: string, timeframe: Timeframe): Candle | undefined {
    return this.market(symbol).formingBar(timeframe);
  }

  /** Where a subscription without a resume point starts: the last bar of `timeframe` closed on the symbol's clock. */
  startTime(symbol: string, timeframe: Timeframe): number {
    return this.market(symbol).lastClosedOpen(timeframe);
  }

  history(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Candle[] {
    const market = this.market(symbol);
    return market.serves(timeframe) ? market.history(timeframe, untilTime, count) : [];
  }

  subscribe(symbol: string, timeframe: Timeframe, afterTime: number | null, onBar: (bar: Candle) => Promise<void> | void): FeedSubscription {
    const market = this.market(symbol);
    if (!market.serves(timeframe)) throw new Error(this.refusal(symbol, timeframe));
    const unsubscribe = market.subscribe({ timeframe, onBar }, afterTime);
    return { source: market.bars.kind, stop: unsubscribe };
  }
}

/** Milliseconds of one bar of `timeframe` (re-exported for callers of the feed). */
export const barMs = (timeframe: Timeframe): number => TIMEFRAME_MS[timeframe];
