import { TIMEFRAME_MS, type Candle, type Timeframe } from '../../../core/domain/candles';
import type { FeedSource, FeedSubscription, MarketFeed } from '../../../core/ports/market-feed';
import type { BridgeLog } from './bridge-server';
import { historyResultSchema, MT5_TIMEFRAME, subscribeResultSchema, TIMEFRAME_FROM_MT5, type Command } from './protocol';

interface Subscription {
  symbol: string;
  timeframe: Timeframe;
  /** Time of the last bar queued for delivery (-Infinity: none yet). */
  last: number;
  queue: Candle[];
  draining: boolean;
  stopped: boolean;
  /** While a catch-up (history) request runs, live bars wait here so bars stay in time order. */
  catchingUp: boolean;
  held: Candle[];
  onBar: (bar: Candle) => Promise<void> | void;
}

export interface Mt5FeedDeps {
  /** Sends a command on the current link (rejects when there is none). */
  request(command: Command): Promise<Record<string, unknown>>;
  synchronized(): boolean;
  now(): number;
  log: BridgeLog;
  /** The symbols the terminal accepted for streaming. */
  onSubscribed?(symbols: string[]): void;
}

const CACHE_LIMIT = 10_000;
const MAX_HISTORY = 5_000;
const key = (symbol: string, timeframe: Timeframe) => `${symbol.toUpperCase()}|${timeframe}`;

/**
 * Bars from the terminal: closed bars of subscribed (symbol, timeframe)s arrive as `bar` updates; after every
 * (re)connect each subscription is caught up from its last delivered bar with a `history` request, so a link that
 * was down for a while leaves no hole. Each subscriber gets its bars one at a time, in time order, each once.
 */
export class Mt5Feed implements MarketFeed {
  private readonly subscriptions = new Set<Subscription>();
  private readonly cache = new Map<string, Candle[]>();

  constructor(private readonly deps: Mt5FeedDeps) {}

  sourceOf(): FeedSource {
    return 'broker';
  }

  subscribe(symbol: string, timeframe: Timeframe, afterTime: number | null, onBar: (bar: Candle) => Promise<void> | void): FeedSubscription {
    const sub: Subscription = {
      symbol: symbol.trim().toUpperCase(),
      timeframe,
      last: afterTime ?? Number.NEGATIVE_INFINITY,
      queue: [],
      draining: false,
      stopped: false,
      catchingUp: false,
      held: [],
      onBar,
    };
    this.subscriptions.add(sub);
    if (this.deps.synchronized()) {
      void this.sendSubscriptions();
      void this.catchUp(sub);
    }
    return {
      source: 'broker',
      stop: () => {
        sub.stopped = true;
        sub.queue = [];
        this.subscriptions.delete(sub);
      },
    };
  }

  /** The latest `count` closed bars up to `untilTime` that the feed has seen (history requests and live bars). */
  history(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Candle[] {
    const bars = this.cache.get(key(symbol, timeframe)) ?? [];
    const upTo = untilTime === null ? bars.length : upperBound(bars, untilTime);
    return bars.slice(Math.max(0, upTo - count), upTo);
  }

  /** Asks the terminal for the `count` closed bars up to `untilTime` (null: the latest), and caches them. */
  async fetchHistory(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Promise<Candle[]> {
    const n = Math.max(1, Math.min(MAX_HISTORY, Math.floor(count)));
    const command: Command = { type: 'history', symbol, timeframe: MT5_TIMEFRAME[timeframe], count: n, ...(untilTime !== null ? { to: untilTime } : {}) };
    const bars = await this.requestBars(command);
    this.remember(symbol, timeframe, bars);
    return bars.slice(-n);
  }

  /** The symbols and timeframes the terminal must stream. */
  wanted(): { symbols: string[]; timeframes: string[] } {
    const symbols = new Set<string>();
    const timeframes = new Set<string>();
    for (const sub of this.subscriptions) {
      symbols.add(sub.symbol);
      timeframes.add(MT5_TIMEFRAME[sub.timeframe]);
    }
    return { symbols: [...symbols].sort(), timeframes: [...timeframes].sort() };
  }

  /** After a (re)connect: the whole subscription set again, then every subscription caught up. */
  async resume(): Promise<void> {
    if (!this.subscriptions.size) return;
    await this.sendSubscriptions();
    await Promise.all([...this.subscriptions].map((sub) => this.catchUp(sub)));
  }

  /** A live closed bar from the terminal. */
  onBar(message: { symbol: string; timeframe: string; time: number; open: number; high: number; low: number; close: number; volume: number }): void {
    const timeframe = TIMEFRAME_FROM_MT5[message.timeframe];
    if (!timeframe) return;
    const bar: Candle = { time: message.time, open: message.open, high: message.high, low: message.low, close: message.close, volume: message.volume };
    this.remember(message.symbol, timeframe, [bar]);
    const k = key(message.symbol, timeframe);
    for (const sub of this.subscriptions) if (key(sub.symbol, sub.timeframe) === k) this.enqueue(sub, bar);
  }

  private async sendSubscriptions(): Promise<void> {
    const { symbols, timeframes } = this.wanted();
    try {
      const result = subscribeResultSchema.parse(await this.deps.request({ type: 'subscribe', symbols, timeframes, ticks: false }));
      if (result.unknown.length) this.deps.log('warn', 'mt5 feed: symbols the broker does not offer', { unknown: result.unknown });
      this.deps.onSubscribed?.(result.symbols);
    } catch (error) {
      this.deps.log('warn', 'mt5 feed: subscribe failed', { error: (error as Error).message });
    }
  }

  private async catchUp(sub: Subscription): Promise<void> {
    if (sub.last === Number.NEGATIVE_INFINITY || sub.catchingUp) return;
    sub.catchingUp = true;
    let bars: Candle[] = [];
    try {
      const from = sub.last + 1;
      const span = Math.ceil((this.deps.now() - from) / TIMEFRAME_MS[sub.timeframe]) + 1;
      if (span > 0) {
        bars = await this.requestBars({ type: 'history', symbol: sub.symbol, timeframe: MT5_TIMEFRAME[sub.timeframe], from, to: this.deps.now(), count: Math.min(MAX_HISTORY, span) });
        this.remember(sub.symbol, sub.timeframe, bars);
      }
    } catch (error) {
      this.deps.log('warn', 'mt5 feed: catch-up failed; live bars continue', { symbol: sub.symbol, timeframe: sub.timeframe, error: (error as Error).message });
    } finally {
      sub.catchingUp = false;
      const held = sub.held;
      sub.held = [];
      for (const bar of [...bars, ...held].sort((a, b) => a.time - b.time)) this.enqueue(sub, bar);
    }
  }

  private async requestBars(command: Command): Promise<Candle[]> {
    const result = historyResultSchema.parse(await this.deps.request(command));
    const bars: Candle[] = [];
    for (const row of result.bars) {
      const [time, open, high, low, close, volume] = row;
      if ([time, open, high, low, close].some((v) => v === undefined || !Number.isFinite(v))) continue;
      bars.push({ time: time as number, open: open as number, high: high as number, low: low as number, close: close as number, volume: volume ?? 0 });
    }
    return bars.sort((a, b) => a.time - b.time);
  }

  private enqueue(sub: Subscription, bar: Candle): void {
    if (sub.stopped) return;
    if (sub.catchingUp) {
      sub.held.push(bar);
      return;
    }
    if (bar.time <= sub.last) return;
    sub.last = bar.time;
    sub.queue.push(bar);
    void this.drain(sub);
  }

  private async drain(sub: Subscription): Promise<void> {
    if (sub.draining) return;
    sub.draining = true;
    try {
      while (sub.queue.length && !sub.stopped) {
        const bar = sub.queue.shift() as Candle;
        try {
          await sub.onBar(bar);
        } catch (error) {
          this.deps.log('error', 'mt5 feed: bar handler failed', { symbol: sub.symbol, error: (error as Error).message });
        }
      }
    } finally {
      sub.draining = false;
    }
  }

  private remember(symbol: string, timeframe: Timeframe, bars: Candle[]): void {
    if (!bars.length) return;
    const k = key(symbol, timeframe);
    const cached = this.cache.get(k) ?? [];
    const newest = cached[cached.length - 1];
    if (bars.length === 1 && newest && (bars[0] as Candle).time > newest.time) {
      cached.push(bars[0] as Candle);
      if (cached.length > CACHE_LIMIT) cached.splice(0, cached.length - CACHE_LIMIT);
      return;
    }
    const byTime = new Map(cached.map((b) => [b.time, b]));
    for (const bar of bars) byTime.set(bar.time, bar);
    const merged = [...byTime.values()].sort((a, b) => a.time - b.time);
    this.cache.set(k, merged.length > CACHE_LIMIT ? merged.slice(-CACHE_LIMIT) : merged);
  }
}

/** Index just past the last bar with time ≤ t. */
function upperBound(bars: readonly Candle[], t: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((bars[mid] as Candle).time <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
