import { create } from 'zustand';
import { api } from '../api/client';

/**
 * Market watch quotes: the last price of every pair (the server's one market per symbol: the last bar on the chart's
 * timeframe ends at the price every task, chart and position valuation of that symbol reads) and its change on the
 * day (against the previous day's last close, or the day's first open when the history starts that day). The day
 * reference is fetched once per pair and day; each poll asks only for the newest bar.
 */

export interface Quote {
  symbol: string;
  last: number | null;
  lastTime: number | null;
  /** Previous close, for the tick direction arrow. */
  previous: number | null;
  change: number | null;
  changePct: number | null;
  source: string;
  simulated: boolean;
}

interface MarketWatchState {
  timeframe: string;
  quotes: Record<string, Quote>;
  error: string | null;
  poll(symbols: readonly string[], timeframe: string): Promise<void>;
}

const DAY = 86_400_000;
/** (symbol|timeframe|day start) → reference price, or null when there is none. */
const references = new Map<string, number | null>();
let busy = false;

async function referenceFor(symbol: string, timeframe: string, lastTime: number, timeframeMs: number): Promise<number | null> {
  const dayStart = Math.floor(lastTime / DAY) * DAY;
  const key = `${symbol}|${timeframe}|${dayStart}`;
  if (references.has(key)) return references.get(key) ?? null;
  let ref: number | null = null;
  if (dayStart > 0) {
    const previous = await api.market.candles({ symbol, timeframe, to: dayStart - 1, limit: 1 });
    ref = previous.close[0] ?? null;
  }
  if (ref === null) {
    const first = await api.market.candles({ symbol, timeframe, from: dayStart, to: dayStart + timeframeMs - 1, limit: 1 });
    ref = first.open[0] ?? null;
  }
  references.set(key, ref);
  return ref;
}

const TF_MS: Record<string, number> = { '1M': 60_000, '5M': 300_000, '15M': 900_000, '1H': 3_600_000, '4H': 14_400_000, '1D': DAY };

export const useMarketWatchStore = create<MarketWatchState>()((set, get) => ({
  timeframe: '1M',
  quotes: {},
  error: null,

  async poll(symbols, timeframe) {
    if (busy) return;
    busy = true;
    try {
      const previousQuotes = get().timeframe === timeframe ? get().quotes : {};
      const rows = await Promise.all(
        symbols.map(async (symbol): Promise<Quote> => {
          const r = await api.market.candles({ symbol, timeframe, limit: 2 });
          const last = r.close[r.close.length - 1] ?? null;
          const lastTime = r.time[r.time.length - 1] ?? null;
          const ref = lastTime !== null ? await referenceFor(symbol, timeframe, lastTime, TF_MS[timeframe] ?? 60_000) : null;
          const change = last !== null && ref !== null ? last - ref : null;
          const prior = previousQuotes[symbol];
          return {
            symbol,
            last,
            lastTime,
            // Keep the earlier price while the bar has not moved, so the arrow shows the last real move.
            previous: prior && prior.lastTime !== lastTime ? prior.last : (prior?.previous ?? (r.close.length > 1 ? (r.close[0] as number) : null)),
            change,
            changePct: change !== null && ref ? (change / ref) * 100 : null,
            source: r.source,
            simulated: r.simulated,
          };
        }),
      );
      const quotes = Object.fromEntries(rows.map((q) => [q.symbol, q]));
      // Unchanged quotes keep their object, so their rows do not re-render.
      for (const [symbol, q] of Object.entries(quotes)) {
        const old = previousQuotes[symbol];
        if (old && old.last === q.last && old.lastTime === q.lastTime && old.changePct === q.changePct && old.source === q.source) quotes[symbol] = old;
      }
      set({ quotes, timeframe, error: null });
    } catch (error) {
      set({ error: error instanceof Error ? error.message : String(error) });
    } finally {
      busy = false;
    }
  },
}));
