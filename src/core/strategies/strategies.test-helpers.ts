import { builtinInstrument, type Instrument } from '../domain/instruments';
import type { ClosedTrade, ExitReason, OrderFilled, Position, Side, SubmitOrder } from '../domain/trading';
import { backtestStrategy, type StrategyBacktestOptions } from '../backtest/backtest.test-helpers';
import type { EngineEvent } from '../engine/strategy-runner';
import { resolveConfig, type ResolvedConfig } from './params';
import type { BarsView, OrderOptions, PendingOpen, StrategyContext, StrategyDefinition, StrategySignal } from './strategy';

/** Test helpers for the built-in strategies: synthetic bars, a backtest that records its events, plain-loop references. */

export const MINUTE = 60_000;
export const T0 = Date.UTC(2024, 7, 1, 12, 0);

export function instrument(symbol: string): Instrument {
  const found = builtinInstrument(symbol);
  if (!found) throw new Error(`no instrument ${symbol}`);
  return found;
}

/** Bars from closes: open = previous close, high/low = max/min(open, close) ± `wick` unless given per bar. */
export function barsFrom(closes: readonly number[], opts: { wick?: number; highs?: Record<number, number>; lows?: Record<number, number>; opens?: Record<number, number> } = {}): BarsView {
  const n = closes.length;
  const wick = opts.wick ?? 0;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = Float64Array.from(closes);
  for (let i = 0; i < n; i++) {
    time[i] = T0 + i * MINUTE;
    open[i] = opts.opens?.[i] ?? (i === 0 ? closes[0]! : closes[i - 1]!);
    high[i] = opts.highs?.[i] ?? Math.max(open[i]!, close[i]!) + wick;
    low[i] = opts.lows?.[i] ?? Math.min(open[i]!, close[i]!) - wick;
  }
  return { time, open, high, low, close, volume: new Float64Array(n), length: n };
}

/** The same bars reflected around `pivot` (a fall becomes a rise): to test the SELL side with the BUY scenario. */
export function mirror(bars: BarsView, pivot: number): BarsView {
  const map = (a: ArrayLike<number>) => Float64Array.from(a as ArrayLike<number>, (x) => 2 * pivot - x);
  return { time: bars.time, open: map(bars.open), high: map(bars.low), low: map(bars.high), close: map(bars.close), volume: bars.volume, length: bars.length };
}

export function resolved(definition: StrategyDefinition, raw: Record<string, unknown>): ResolvedConfig {
  const { config, errors } = resolveConfig(definition, raw);
  if (errors.length > 0) throw new Error(errors.join('; '));
  return config;
}

export interface Entry {
  order: SubmitOrder;
  decided: number;
  fill?: OrderFilled;
  filled?: number;
}

export interface Series {
  side: Side;
  entries: Entry[];
  exits: ClosedTrade[];
  /** Bar index on which the last position of the series closed (undefined while open). */
  exitIndex?: number;
}

export interface RecordedRun {
  trades: ClosedTrade[];
  events: EngineEvent[];
  series: Series[];
  closeOrders: SubmitOrder[];
  indexOf: (time: number) => number;
}

/** Runs a strategy through the production backtester and groups what happened into series (flat → flat). */
export function recordRun(definition: StrategyDefinition, raw: Record<string, unknown>, options: Omit<StrategyBacktestOptions, 'strategy' | 'capital'> & { capital?: number }): RecordedRun {
  const config = resolved(definition, raw);
  const events: EngineEvent[] = [];
  const { closedTrades: trades } = backtestStrategy({
    capital: 10_000,
    magic: config.magic_number as number,
    ...options,
    strategy: definition.create(config, options.instrument),
    onEvent: (e) => events.push(e),
  });
  const timeIndex = new Map<number, number>();
  for (let i = 0; i < options.bars.length; i++) timeIndex.set(options.bars.time[i] as number, i);
  const indexOf = (time: number): number => {
    const i = timeIndex.get(time);
    if (i === undefined) throw new Error(`no bar at ${time}`);
    return i;
  };
  const series: Series[] = [];
  const closeOrders: SubmitOrder[] = [];
  const byId = new Map<string, Entry>();
  let current: Series | undefined;
  let open = 0;
  for (const e of events) {
    if (e.type === 'OrderSubmitted') {
      if (e.order.closesPositionId !== undefined) {
        closeOrders.push(e.order);
        continue;
      }
      if (!current) {
        current = { side: e.order.side, entries: [], exits: [] };
        series.push(current);
      }
      const entry: Entry = { order: e.order, decided: indexOf(e.order.decidedAt) };
      current.entries.push(entry);
      byId.set(e.order.clientOrderId, entry);
    } else if (e.type === 'OrderFilled' && e.fill.opens) {
      const entry = byId.get(e.fill.clientOrderId);
      if (entry) {
        entry.fill = e.fill;
        entry.filled = indexOf(e.fill.time);
      }
      open++;
    } else if (e.type === 'PositionClosed' && current) {
      current.exits.push(e.trade);
      open--;
      if (open === 0 && current.entries.every((x) => x.fill)) {
        current.exitIndex = indexOf(e.trade.exitTime);
        current = undefined;
      }
    }
  }
  // A series whose only entry was decided on the last bar never filled.
  if (current && current.entries.every((x) => !x.fill)) series.pop();
  return { trades, events, series, closeOrders, indexOf };
}

/** A StrategyContext for driving a strategy by hand: records what it asks for, fills nothing. */
export class FakeContext implements StrategyContext {
  taskId = 'fake';
  magic = 1;
  pendingOrders = 0;
  pendingOpens: PendingOpen[] = [];
  positions: Position[] = [];
  floating = 0;
  readonly orders: { side: Side; lots: number; options?: OrderOptions }[] = [];
  readonly closes: { positionId: string; reason: ExitReason }[] = [];
  readonly protections: { positionId: string; takeProfit: number | null; stopLoss: number | null }[] = [];
  readonly signals: StrategySignal[] = [];
  constructor(readonly instrument: Instrument, readonly capital = 10_000) {}
  floatingPnl(): number {
    return this.floating;
  }
  buy(lots: number, options?: OrderOptions): string {
    this.orders.push({ side: 'BUY', lots, ...(options ? { options } : {}) });
    return `o${this.orders.length}`;
  }
  sell(lots: number, options?: OrderOptions): string {
    this.orders.push({ side: 'SELL', lots, ...(options ? { options } : {}) });
    return `o${this.orders.length}`;
  }
  close(positionId: string, reason: ExitReason): void {
    this.closes.push({ positionId, reason });
  }
  closeAll(reason: ExitReason): void {
    for (const p of this.positions) this.close(p.id, reason);
  }
  signal(signal: StrategySignal): void {
    this.signals.push(signal);
  }
  setProtection(positionId: string, takeProfit: number | null, stopLoss: number | null): void {
    this.protections.push({ positionId, takeProfit, stopLoss });
    const p = this.positions.find((x) => x.id === positionId);
    if (p) {
      p.takeProfit = takeProfit;
      p.stopLoss = stopLoss;
    }
  }
}

// ---- Plain-loop references (deliberately naive: every value recomputed from its window) ----

export function naiveHighest(values: ArrayLike<number>, i: number, n: number): number | undefined {
  if (i < n - 1) return undefined;
  let m = -Infinity;
  for (let j = i - n + 1; j <= i; j++) m = Math.max(m, values[j] as number);
  return m;
}

export function naiveLowest(values: ArrayLike<number>, i: number, n: number): number | undefined {
  if (i < n - 1) return undefined;
  let m = Infinity;
  for (let j = i - n + 1; j <= i; j++) m = Math.min(m, values[j] as number);
  return m;
}

/** Population z-score of values[i] over values[i−n+1 … i]; 0 for a flat window. */
export function naiveZScore(values: ArrayLike<number>, i: number, n: number): number | undefined {
  if (i < n - 1) return undefined;
  let sum = 0;
  for (let j = i - n + 1; j <= i; j++) sum += values[j] as number;
  const mean = sum / n;
  let sq = 0;
  for (let j = i - n + 1; j <= i; j++) sq += ((values[j] as number) - mean) ** 2;
  const sd = Math.sqrt(sq / n);
  return sd === 0 ? 0 : ((values[i] as number) - mean) / sd;
}

export function naiveSma(values: ArrayLike<number>, i: number, n: number): number | undefined {
  if (i < n - 1) return undefined;
  let sum = 0;
  for (let j = i - n + 1; j <= i; j++) sum += values[j] as number;
  return sum / n;
}

/** EMA seeded with the SMA of the first n values, α = 2/(n+1); the whole series. */
export function naiveEmaSeries(values: ArrayLike<number>, n: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let ema: number | undefined;
  for (let i = 0; i < values.length; i++) {
    if (i === n - 1) ema = (naiveSma(values, i, n) as number);
    else if (ema !== undefined) ema = ema + (2 / (n + 1)) * ((values[i] as number) - ema);
    out.push(ema);
  }
  return out;
}

/** Wilder ATR for every bar: TR of bar 0 = high − low; first value at bar n−1 = mean of the first n TRs. */
export function naiveAtrSeries(bars: BarsView, n: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let atr: number | undefined;
  let seed = 0;
  for (let i = 0; i < bars.length; i++) {
    const h = bars.high[i] as number;
    const l = bars.low[i] as number;
    const tr = i === 0 ? h - l : Math.max(h - l, Math.abs(h - (bars.close[i - 1] as number)), Math.abs(l - (bars.close[i - 1] as number)));
    if (i < n) {
      seed += tr;
      if (i === n - 1) atr = seed / n;
    } else {
      atr = (atr as number) + (tr - (atr as number)) / n;
    }
    out.push(atr);
  }
  return out;
}
