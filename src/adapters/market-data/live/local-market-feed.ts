import type { Candle, Timeframe } from '../../../core/domain/candles';
import type { CandleStore } from '../../../core/ports/candle-store';
import type { FeedSource, FeedSubscription, MarketFeed } from '../../../core/ports/market-feed';
import { SimulatedMarket } from './simulated-market';

export interface LocalFeedOptions {
  store: CandleStore;
  /** Bars delivered per second per subscription (replay and simulation speed). */
  barsPerSecond: number;
  seed: number;
  /** Bars kept back as warm-up history when a subscription starts from the beginning. */
  warmUpBars: number;
}

/**
 * The default feed with no broker connected: stored history replayed at a chosen speed, or — where nothing is
 * stored — the seeded simulated market. `sourceOf` says which, so the UI can label simulated prices as such.
 */
export class LocalMarketFeed implements MarketFeed {
  private readonly markets = new Map<string, SimulatedMarket>();

  constructor(private readonly options: LocalFeedOptions) {}

  setSpeed(barsPerSecond: number): void {
    this.options.barsPerSecond = barsPerSecond;
  }

  get speed(): number {
    return this.options.barsPerSecond;
  }

  sourceOf(symbol: string, timeframe: Timeframe): FeedSource {
    return this.options.store.range(symbol, timeframe).count > 0 ? 'replay' : 'simulated';
  }

  private market(symbol: string, timeframe: Timeframe): SimulatedMarket {
    const key = `${symbol}|${timeframe}`;
    let market = this.markets.get(key);
    if (!market) {
      market = new SimulatedMarket(this.options.seed, symbol, timeframe);
      this.markets.set(key, market);
    }
    return market;
  }

  /** Where a subscription without a resume point starts: after the warm-up bars. */
  startTime(symbol: string, timeframe: Timeframe): number {
    if (this.sourceOf(symbol, timeframe) === 'replay') {
      const first = this.options.store.load(symbol, timeframe, { limit: this.options.warmUpBars, from: Number.MIN_SAFE_INTEGER });
      return first.length ? (first.time[first.length - 1] as number) : 0;
    }
    return this.market(symbol, timeframe).timeOf(this.options.warmUpBars - 1);
  }

  history(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Candle[] {
    const until = untilTime ?? this.startTime(symbol, timeframe);
    if (this.sourceOf(symbol, timeframe) === 'replay') {
      const s = this.options.store.load(symbol, timeframe, { to: until, limit: count });
      const out: Candle[] = [];
      for (let i = 0; i < s.length; i++) {
        out.push({ time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
      }
      return out;
    }
    const market = this.market(symbol, timeframe);
    const last = market.indexAt(until);
    const out: Candle[] = [];
    for (let k = Math.max(0, last - count + 1); k <= last; k++) out.push(market.bar(k));
    return out;
  }

  subscribe(symbol: string, timeframe: Timeframe, afterTime: number | null, onBar: (bar: Candle) => Promise<void> | void): FeedSubscription {
    let stopped = false;
    let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
    // Node clamps timers to 1 ms: faster feeds hop with setImmediate instead.
    const schedule = (fn: () => void): NodeJS.Timeout | NodeJS.Immediate => {
      const delay = 1000 / this.options.barsPerSecond;
      return delay < 1 ? setImmediate(fn) : setTimeout(fn, delay);
    };
    const cancel = (handle: NodeJS.Timeout | NodeJS.Immediate) => {
      if ('hasRef' in handle && 'refresh' in handle) clearTimeout(handle as NodeJS.Timeout);
      else clearImmediate(handle as NodeJS.Immediate);
    };
    const source = this.sourceOf(symbol, timeframe);
    let cursor = afterTime ?? this.startTime(symbol, timeframe);
    let buffer: Candle[] = [];

    const nextBar = (): Candle | undefined => {
      if (source === 'simulated') {
        const market = this.market(symbol, timeframe);
        return market.bar(market.indexAt(cursor) + 1);
      }
      if (buffer.length === 0) {
        const s = this.options.store.load(symbol, timeframe, { from: cursor + 1, limit: 500 });
        buffer = [];
        for (let i = 0; i < s.length; i++) {
          buffer.push({ time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
        }
      }
      return buffer.shift();
    };

    const tick = async (): Promise<void> => {
      if (stopped) return;
      const bar = nextBar();
      if (!bar) return; // the stored history is used up: the replay ends here
      cursor = bar.time;
      try {
        await onBar(bar);
      } finally {
        if (!stopped) timer = schedule(() => void tick());
      }
    };
    timer = setImmediate(() => void tick());
    return {
      source,
      stop() {
        stopped = true;
        if (timer) cancel(timer);
      },
    };
  }
}
