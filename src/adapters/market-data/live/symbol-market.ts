import { TIMEFRAME_MS, aggregateSeries, bucketOf, candleAt, lowerBound, seriesFromCandles, sliceSeries, type Candle, type CandleSeries, type Timeframe } from '../../../core/domain/candles';
import type { BaseBars } from './base-bars';

/**
 * The market of ONE symbol with no broker connected: one clock and one price for every task, chart, quote and
 * valuation of that symbol. Its base bars (the finest stored timeframe replayed, or the seeded simulation at 1M) are
 * the only source; every other timeframe is aggregated from them with the backtester's rule (`aggregateSeries`), so
 * a 15M task after an M1 import trades on exactly the bars a 15M backtest of the same rows sees.
 *
 * The clock (`now`) moves only while someone trades the symbol: each step advances one bar of the finest timeframe
 * subscribed (the feed speed is bars of that timeframe per second), delivers every bar that closed to every
 * subscriber, and waits for all of them before the next step. A subscriber that joins behind the clock (a task
 * resumed from an older point) is caught up from history first; one ahead of it skips what it has already seen.
 */

export interface MarketSubscriber {
  readonly timeframe: Timeframe;
  onBar(bar: Candle): Promise<void> | void;
}

interface Subscription extends MarketSubscriber {
  readonly ms: number;
  /** Bars up to and including this open time were seen already. */
  after: number;
  /** Base bars of the bucket still forming. */
  pending: Candle[];
  stopped: boolean;
  /** Bars handed over and not processed yet: the next step waits for them. */
  chain: Promise<void>;
}

export interface MarketQuote {
  price: number;
  /** Open time of the base bar that set the price. */
  barTime: number;
  /** The market clock: every base bar that opened before it has happened. */
  now: number;
}

/** Base bars read ahead of the clock in one query (a step then reads memory, not the store). */
const READ_AHEAD_BARS = 4096;

export class SymbolMarket {
  /** Every base bar with open time < now has happened. */
  private clock: number;
  private lastBar: Candle | undefined;
  private readonly subscriptions = new Set<Subscription>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private stepping = false;
  private ended = false;
  /** Base bars read ahead: those with open time in [aheadFrom, aheadTo). */
  private ahead: CandleSeries | undefined;
  private aheadFrom = 0;
  private aheadTo = 0;

  constructor(
    readonly symbol: string,
    readonly bars: BaseBars,
    private readonly barsPerSecond: () => number,
    private readonly onStep?: (time: number) => void,
  ) {
    this.clock = bars.start;
    this.lastBar = this.lastBefore(this.clock);
  }

  get now(): number {
    return this.clock;
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** The symbol's price now: the close of the last base bar that happened. */
  quote(): MarketQuote | undefined {
    return this.lastBar ? { price: this.lastBar.close, barTime: this.lastBar.time, now: this.clock } : undefined;
  }

  /** Open time of the last bar of `timeframe` that has closed by now. */
  lastClosedOpen(timeframe: Timeframe): number {
    const ms = TIMEFRAME_MS[timeframe];
    return bucketOf(this.clock, ms) - ms;
  }

  /** The bar of `timeframe` still forming now (what has happened of it so far), or undefined at a bar boundary. */
  formingBar(timeframe: Timeframe): Candle | undefined {
    const ms = TIMEFRAME_MS[timeframe];
    const open = bucketOf(this.clock, ms);
    if (open === this.clock) return undefined;
    const part = this.bars.between(open, this.clock);
    return part.length ? candleAt(this.aggregate(part, timeframe), 0) : undefined;
  }

  /** The `count` closed bars of `timeframe` up to open time `until` (default: the last closed by now), oldest first. */
  history(timeframe: Timeframe, until: number | null, count: number): Candle[] {
    if (count <= 0) return [];
    const ms = TIMEFRAME_MS[timeframe];
    const lastOpen = bucketOf(until ?? this.lastClosedOpen(timeframe), ms);
    const ratio = ms / TIMEFRAME_MS[this.bars.base];
    let limit = count * ratio;
    for (let attempt = 0; ; attempt++) {
      const loaded = this.bars.latest(lastOpen + ms, limit);
      const series = this.aggregate(loaded, timeframe);
      // The oldest bucket may be cut by the limit: it counts only when the history starts there.
      const cut = loaded.length === limit && ratio > 1 ? 1 : 0;
      if (series.length - cut >= count || loaded.length < limit || attempt >= 6) {
        const out: Candle[] = [];
        for (let i = Math.max(cut, series.length - count); i < series.length; i++) out.push(candleAt(series, i));
        return out;
      }
      limit *= 2; // gaps (weekends, holidays): reach further back
    }
  }

  /** Whether `timeframe` can be built from this market's base bars. */
  serves(timeframe: Timeframe): boolean {
    const ms = TIMEFRAME_MS[timeframe];
    const base = TIMEFRAME_MS[this.bars.base];
    return ms >= base && ms % base === 0;
  }

  /**
   * Closed bars of `subscriber.timeframe` strictly after open time `after` (null: from the current bar on), each
   * awaited before the next. Returns the unsubscribe function.
   */
  subscribe(subscriber: MarketSubscriber, after: number | null): () => void {
    const ms = TIMEFRAME_MS[subscriber.timeframe];
    if (this.subscriptions.size === 0 && after !== null && !this.stepping) {
      // Nobody trades here now: the market picks up where this task left off.
      this.moveTo(after + ms);
    }
    const sub: Subscription = {
      ...subscriber,
      timeframe: subscriber.timeframe,
      onBar: subscriber.onBar,
      ms,
      after: after ?? this.lastClosedOpen(subscriber.timeframe),
      pending: [],
      stopped: false,
      chain: Promise.resolve(),
    };
    if (sub.after + ms < this.clock) {
      // Behind the clock: the closed bars it missed, then the part of the forming bar that has happened.
      const lastClosed = this.lastClosedOpen(sub.timeframe);
      const missed = lastClosed > sub.after ? Math.round((lastClosed - sub.after) / ms) : 0;
      const catchUp = this.history(sub.timeframe, lastClosed, missed).filter((b) => b.time > sub.after);
      const formingOpen = bucketOf(this.clock, ms);
      const part = this.bars.between(Math.max(formingOpen, sub.after + ms), this.clock);
      for (let i = 0; i < part.length; i++) sub.pending.push(candleAt(part, i));
      sub.chain = this.deliver(sub, catchUp);
    }
    this.subscriptions.add(sub);
    this.ended = false; // more history may have been imported since the replay ran out
    this.schedule(true);
    return () => {
      sub.stopped = true;
      this.subscriptions.delete(sub);
      if (this.subscriptions.size === 0) this.halt();
    };
  }

  private lastBefore(time: number): Candle | undefined {
    const last = this.bars.latest(time, 1);
    return last.length ? candleAt(last, 0) : undefined;
  }

  private moveTo(time: number): void {
    this.ahead = undefined;
    this.clock = time;
    this.lastBar = this.lastBefore(time);
    this.ended = false;
  }

  private aggregate(series: CandleSeries, timeframe: Timeframe): CandleSeries {
    return timeframe === this.bars.base ? series : aggregateSeries(series, timeframe);
  }

  /** The speed changed: the wait for the next bar starts over at the new speed. */
  retime(): void {
    if (!this.timer) return;
    this.halt();
    this.schedule();
  }

  private schedule(immediately = false): void {
    if (this.timer || this.stepping || this.subscriptions.size === 0 || this.ended) return;
    const delay = 1000 / this.barsPerSecond();
    // Node clamps timers to 1 ms: faster feeds hop with setImmediate instead.
    this.timer = immediately || delay < 1 ? setImmediate(() => void this.step()) : setTimeout(() => void this.step(), delay);
  }

  private halt(): void {
    if (!this.timer) return;
    if ('refresh' in this.timer) clearTimeout(this.timer);
    else clearImmediate(this.timer);
    this.timer = undefined;
  }

  /** One step of the clock: the next bar of the finest subscribed timeframe. */
  private async step(): Promise<void> {
    this.timer = undefined;
    if (this.subscriptions.size === 0) return;
    this.stepping = true;
    try {
      // Catch-ups of new subscribers finish before the clock moves on.
      await Promise.all([...this.subscriptions].map((s) => s.chain));
      const stepMs = Math.min(...[...this.subscriptions].map((s) => s.ms));
      let target = bucketOf(this.clock, stepMs) + stepMs;
      let bars = this.upcoming(this.clock, target);
      if (bars.length === 0) {
        const next = this.bars.firstAtOrAfter(this.clock);
        if (next === undefined) {
          this.ended = true; // the stored history is used up: the replay ends here
          return;
        }
        // A gap (a weekend): the clock jumps to the step that holds the next bar.
        this.clock = bucketOf(next, stepMs);
        target = this.clock + stepMs;
        bars = this.upcoming(this.clock, target);
      }
      this.clock = target;
      if (bars.length) this.lastBar = candleAt(bars, bars.length - 1);
      const subs = [...this.subscriptions];
      for (const sub of subs) {
        const closed: Candle[] = [];
        for (let i = 0; i < bars.length; i++) {
          const bar = candleAt(bars, i);
          if (bar.time < sub.after + sub.ms) continue; // seen before it (re)joined
          const open = sub.pending[0];
          if (open && bucketOf(open.time, sub.ms) !== bucketOf(bar.time, sub.ms)) closed.push(this.close(sub));
          sub.pending.push(bar);
        }
        const due = this.due(sub);
        if (due) closed.push(due);
        if (closed.length) sub.chain = sub.chain.then(() => this.deliver(sub, closed));
      }
      await Promise.all(subs.map((s) => s.chain));
      this.onStep?.(this.clock);
    } finally {
      this.stepping = false;
      this.schedule();
    }
  }

  /** Base bars with open time in [from, to), from the read-ahead buffer (refilled from the source when it runs out). */
  private upcoming(from: number, to: number): CandleSeries {
    if (!this.ahead || from < this.aheadFrom || to > this.aheadTo) {
      const span = Math.max(to - from, READ_AHEAD_BARS * TIMEFRAME_MS[this.bars.base]);
      this.ahead = this.bars.between(from, from + span);
      this.aheadFrom = from;
      this.aheadTo = from + span;
    }
    return sliceSeries(this.ahead, lowerBound(this.ahead, from), lowerBound(this.ahead, to));
  }

  /** The forming bucket once the clock has passed its end. */
  private due(sub: Subscription): Candle | undefined {
    const open = sub.pending[0];
    return open && bucketOf(open.time, sub.ms) + sub.ms <= this.clock ? this.close(sub) : undefined;
  }

  private close(sub: Subscription): Candle {
    const bar = candleAt(this.aggregate(seriesFromCandles(sub.pending), sub.timeframe), 0);
    sub.pending = [];
    return bar;
  }

  private async deliver(sub: Subscription, bars: readonly Candle[]): Promise<void> {
    for (const bar of bars) {
      if (sub.stopped) return;
      try {
        await sub.onBar(bar);
      } catch {
        // A subscriber's failure is its own (the task actor records it); the market goes on for the others.
      }
      sub.after = bar.time;
    }
  }
}
