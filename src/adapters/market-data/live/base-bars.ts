import { TIMEFRAMES, TIMEFRAME_MS, allocateSeries, setCandle, type CandleSeries, type Timeframe } from '../../../core/domain/candles';
import type { CandleStore } from '../../../core/ports/candle-store';
import { SIMULATION_ANCHOR, SimulatedMarket } from './simulated-market';

/**
 * The finest bars of one symbol, from which its market is built: the finest stored timeframe replayed, or — where
 * nothing is stored — the seeded simulation at one minute. Every other timeframe of the symbol is aggregated from these.
 */
export interface BaseBars {
  readonly kind: 'replay' | 'simulated';
  readonly base: Timeframe;
  /** Base bars with open time in [from, to), oldest first. */
  between(from: number, to: number): CandleSeries;
  /** The latest `count` base bars with open time before `to`, oldest first. */
  latest(to: number, count: number): CandleSeries;
  /** Open time of the first base bar at or after `time`; undefined when the history ends before. */
  firstAtOrAfter(time: number): number | undefined;
  /** Where the market clock starts when no task asks for another point: after a warm-up span of history. */
  readonly start: number;
  /** Same source and base as this one (a new import of a finer timeframe changes it). */
  readonly signature: string;
}

/** The finest timeframe stored for `symbol`, or undefined when nothing is. */
export function finestStoredTimeframe(store: CandleStore, symbol: string): Timeframe | undefined {
  return TIMEFRAMES.find((tf) => store.range(symbol, tf).count > 0);
}

/** How much history the market keeps behind its starting point: `warmUpBars` hours (or base bars, when longer). */
function warmUpSpan(base: Timeframe, warmUpBars: number): number {
  return warmUpBars * Math.max(TIMEFRAME_MS[base], TIMEFRAME_MS['1H']);
}

export function replayBars(store: CandleStore, symbol: string, base: Timeframe, warmUpBars: number): BaseBars {
  const baseMs = TIMEFRAME_MS[base];
  const range = store.range(symbol, base);
  const first = range.first ?? 0;
  const last = range.last ?? 0;
  let start = first + warmUpSpan(base, warmUpBars);
  if (start > last) {
    // Short history: start after the first warm-up bars (or at its end), as a single-timeframe replay would.
    const head = store.load(symbol, base, { from: Number.MIN_SAFE_INTEGER, limit: warmUpBars });
    start = (head.length ? (head.time[head.length - 1] as number) : first) + baseMs;
  }
  return {
    kind: 'replay',
    base,
    start,
    signature: `replay|${base}`,
    between: (from, to) => store.load(symbol, base, { from, to: to - 1 }),
    latest: (to, count) => store.load(symbol, base, { to: to - 1, limit: count }),
    firstAtOrAfter: (time) => {
      const next = store.load(symbol, base, { from: time, limit: 1 });
      return next.length ? (next.time[0] as number) : undefined;
    },
  };
}

export function simulatedBars(seed: number, symbol: string, warmUpBars: number): BaseBars {
  const market = new SimulatedMarket(seed, symbol, '1M');
  const step = TIMEFRAME_MS['1M'];
  const indexAtOrAfter = (time: number) => Math.max(0, Math.ceil((time - SIMULATION_ANCHOR) / step));
  const bars = (from: number, to: number): CandleSeries => {
    const i0 = indexAtOrAfter(from);
    const i1 = Math.max(i0, indexAtOrAfter(to));
    const out = allocateSeries(i1 - i0);
    for (let k = i0; k < i1; k++) setCandle(out, k - i0, market.bar(k));
    return out;
  };
  return {
    kind: 'simulated',
    base: '1M',
    start: SIMULATION_ANCHOR + warmUpSpan('1M', warmUpBars),
    signature: 'simulated|1M',
    between: bars,
    latest: (to, count) => bars(Math.max(SIMULATION_ANCHOR, to - count * step), to),
    firstAtOrAfter: (time) => market.timeOf(indexAtOrAfter(time)),
  };
}
