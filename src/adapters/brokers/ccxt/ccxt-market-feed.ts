import type { OHLCV } from 'ccxt';
import { candleAt, candleProblem, seriesFromCandles, type Candle, type Timeframe } from '../../../core/domain/candles';
import type { CandleStore } from '../../../core/ports/candle-store';
import type { FeedSource, FeedSubscription, MarketFeed } from '../../../core/ports/market-feed';
import { CCXT_TIMEFRAME, timeframeMs } from './ccxt-instrument';
import type { CcxtSession } from './ccxt-session';
import { DomainError } from '../../../shared/contract/errors';

export interface DownloadProgress {
  symbol: string;
  timeframe: Timeframe;
  pages: number;
  /** Bars received so far. */
  bars: number;
  /** Open time of the newest bar received (epoch ms). */
  lastTime: number | null;
  /** Share of the requested time range covered, 0..1. */
  fraction: number;
}

export interface DownloadRequest {
  symbol: string;
  timeframe: Timeframe;
  /** Open time (epoch ms) of the first bar wanted. */
  since: number;
  /** Open time of the last bar wanted; default: the last closed bar. */
  until?: number;
  /** Bars per request (the exchange's maximum is used when it is lower). Default 1000. */
  pageSize?: number;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadResult {
  symbol: string;
  timeframe: Timeframe;
  pages: number;
  bars: number;
  added: number;
  first: number | null;
  last: number | null;
}

export interface CcxtFeedOptions {
  /** How often the live poll asks for new bars; default a tenth of the timeframe, between 1 s and 15 s. */
  pollMs?: number;
  /** After a bar's period ended, how long to wait for the exchange to settle it when no newer bar is listed yet. */
  settleMs?: number;
}

const toCandle = (row: OHLCV): Candle => ({
  time: Number(row[0]),
  open: Number(row[1]),
  high: Number(row[2]),
  low: Number(row[3]),
  close: Number(row[4]),
  volume: Number(row[5] ?? 0),
});

/**
 * Candles of one ccxt account: OHLCV downloads into the candle store (paged by `since`), and live bars by polling
 * fetchOHLCV — a bar is delivered once it closed (a newer bar exists, or its period ended and `settleMs` passed),
 * written to the store first, so `history` (synchronous, from the store) sees every bar a task saw.
 * Stored under the ccxt symbol ("BTC/USDT").
 */
export class CcxtMarketFeed implements MarketFeed {
  private readonly subscriptions = new Set<{ stop(): void }>();

  constructor(
    private readonly session: CcxtSession,
    private readonly store: CandleStore,
    private readonly options: CcxtFeedOptions = {},
  ) {}

  sourceOf(): FeedSource {
    return 'broker';
  }

  history(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Candle[] {
    const series = this.store.load(symbol, timeframe, { ...(untilTime !== null ? { to: untilTime } : {}), limit: count });
    return Array.from({ length: series.length }, (_, i) => candleAt(series, i));
  }

  /** Warm-up for a task: the exchange's recent bars are downloaded into the store, then read from it. */
  async fetchHistory(symbol: string, timeframe: Timeframe, untilTime: number | null, count: number): Promise<Candle[]> {
    await this.prepare(symbol, timeframe, count);
    return this.history(symbol, timeframe, untilTime, count);
  }

  /** Downloads the `count` most recent closed bars into the store (call before `history` when a task starts). */
  async prepare(symbol: string, timeframe: Timeframe, count: number): Promise<DownloadResult> {
    const step = timeframeMs(timeframe);
    const now = this.session.clock.now().getTime();
    return this.download({ symbol, timeframe, since: Math.floor(now / step) * step - count * step });
  }

  private exchangeTimeframe(timeframe: Timeframe): string {
    const wanted = CCXT_TIMEFRAME[timeframe];
    const supported = this.session.loaded()?.timeframes as Record<string, unknown> | undefined;
    if (supported && !(wanted in supported)) {
      throw new DomainError('NOT_SUPPORTED', `${this.session.description.name} has no ${timeframe} candles (it offers ${Object.keys(supported).join(', ')})`);
    }
    return wanted;
  }

  /** OHLCV from the exchange into the candle store, page by page (each page stored atomically), with progress. */
  async download(request: DownloadRequest): Promise<DownloadResult> {
    const { symbol, timeframe, since } = request;
    const exchange = await this.session.ready().catch((error: unknown) => {
      throw this.session.toError(error, 'connect');
    });
    if (!exchange.has.fetchOHLCV) throw new DomainError('NOT_SUPPORTED', `${this.session.description.name} does not offer candles (fetchOHLCV) through ccxt`);
    if (!this.session.market(symbol)) {
      throw new DomainError('UNKNOWN_SYMBOL', `${this.session.description.name} does not list ${symbol}; use a symbol of its markets such as BTC/USDT`);
    }
    const tf = this.exchangeTimeframe(timeframe);
    const step = timeframeMs(timeframe);
    const now = this.session.clock.now().getTime();
    const lastClosed = Math.floor(now / step) * step - step;
    const until = Math.min(request.until ?? lastClosed, lastClosed);
    const pageSize = request.pageSize ?? 1000;
    const result: DownloadResult = { symbol, timeframe, pages: 0, bars: 0, added: 0, first: null, last: null };
    let cursor = Math.ceil(since / step) * step;
    while (cursor <= until) {
      let rows: OHLCV[];
      try {
        rows = await this.session.call((ex) => ex.fetchOHLCV(symbol, tf, cursor, pageSize));
      } catch (error) {
        throw this.session.toError(error, `download ${symbol} ${timeframe} candles`);
      }
      result.pages++;
      const bars = rows.map(toCandle).filter((c) => c.time >= cursor && c.time <= until && candleProblem(c) === undefined);
      if (bars.length) {
        const written = this.store.write(symbol, timeframe, seriesFromCandles(bars));
        result.bars += bars.length;
        result.added += written.added;
        result.first ??= bars[0]!.time;
        result.last = bars.at(-1)!.time;
      }
      const newest = rows.length ? Number(rows.at(-1)![0]) : undefined;
      request.onProgress?.({
        symbol,
        timeframe,
        pages: result.pages,
        bars: result.bars,
        lastTime: result.last,
        fraction: until > since ? Math.min(1, Math.max(0, ((result.last ?? since) - since) / (until - since))) : 1,
      });
      // An empty page or one that does not move forward ends the download (no more history there).
      if (newest === undefined || newest < cursor) break;
      cursor = newest + step;
    }
    return result;
  }

  subscribe(symbol: string, timeframe: Timeframe, afterTime: number | null, onBar: (bar: Candle) => Promise<void> | void): FeedSubscription {
    const step = timeframeMs(timeframe);
    const pollMs = this.options.pollMs ?? Math.min(15_000, Math.max(1_000, step / 10));
    const settleMs = this.options.settleMs ?? 2_000;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let cursor = afterTime;
    let failures = 0;
    const subscription = {
      source: 'broker' as const,
      stop: () => {
        stopped = true;
        clearTimeout(timer);
        this.subscriptions.delete(subscription);
      },
    };
    const poll = async (): Promise<void> => {
      timer = undefined;
      let more = false;
      try {
        const tf = this.exchangeTimeframe(timeframe);
        const now = this.session.clock.now().getTime();
        const since = cursor === null ? now - 3 * step : cursor + 1;
        const rows = await this.session.call((ex) => ex.fetchOHLCV(symbol, tf, since, 1000));
        const bars = rows.map(toCandle).filter((c) => candleProblem(c) === undefined);
        const closed = bars.filter((c, i) => (cursor === null || c.time > cursor) && (i < bars.length - 1 || now >= c.time + step + settleMs));
        if (cursor === null) {
          // Following from now: the latest closed bar marks where live delivery starts.
          cursor = closed.at(-1)?.time ?? null;
        } else if (closed.length) {
          this.store.write(symbol, timeframe, seriesFromCandles(closed));
          for (const bar of closed) {
            if (stopped) return;
            await onBar(bar);
            cursor = bar.time;
          }
          more = rows.length >= 1000;
        }
        failures = 0;
      } catch (error) {
        failures++;
        this.session.log('warn', 'live candle poll failed', { symbol, timeframe, detail: this.session.toError(error, `poll ${symbol} candles`).message });
      }
      if (!stopped) {
        const delay = more ? 0 : Math.min(60_000, pollMs * 2 ** Math.min(failures, 6));
        timer = setTimeout(() => void poll(), delay);
        timer.unref?.();
      }
    };
    this.subscriptions.add(subscription);
    timer = setTimeout(() => void poll(), 0);
    timer.unref?.();
    return subscription;
  }

  close(): void {
    for (const subscription of [...this.subscriptions]) subscription.stop();
  }
}
