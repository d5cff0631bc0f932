import { beforeAll, describe, expect, it } from 'vitest';
import { loadCandles } from '../../../test/kit/candles';
import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, OrderFilled } from '../domain/trading';
import { backtestStrategy } from '../backtest/backtest.test-helpers';
import type { EngineEvent } from '../engine/strategy-runner';
import { num, resolveConfig } from './params';
import { SIMPLE_MA_PARAMS, riskLotsForStop, simpleMa } from './simple-ma';
import { floorLots } from './sizing';
import type { BarsView, Strategy } from './strategy';
import { FakeContext, barsFrom, instrument, naiveEmaSeries, naiveSma, resolved } from './strategies.test-helpers';

const EURUSD = instrument('EURUSD');
const USDJPY = instrument('USDJPY');
const XAU = instrument('XAUUSD');
const OFF = { take_profit_pips: 0, stop_loss_pips: 0 };

interface Opened {
  decided: number;
  filled: number;
  fill: OrderFilled;
  takeProfit: number | null;
  stopLoss: number | null;
  /** Every stop level the position had, with the bar index from whose close on it applied. */
  stops: { from: number; level: number | null }[];
  exit?: ClosedTrade;
  exitIndex?: number;
}

interface MaRun {
  opened: Opened[];
  trades: ClosedTrade[];
  events: EngineEvent[];
  decisions: { bar: number; side: 'BUY' | 'SELL' }[];
}

/** Runs simple_ma in the backtest loop, recording every position's fill, protection over time and exit. */
function runMa(bars: BarsView, inst: Instrument, raw: Record<string, unknown>, capital = 10_000): MaRun {
  const config = resolved(simpleMa, raw);
  const inner = simpleMa.create(config, inst);
  const events: EngineEvent[] = [];
  const index = new Map<number, number>();
  for (let i = 0; i < bars.length; i++) index.set(bars.time[i] as number, i);
  const opened = new Map<string, Opened>();
  const decidedOf = new Map<string, number>();
  let bar = -1;
  const wrapper: Strategy = {
    onBar: (b, i, ctx) => {
      bar = i;
      inner.onBar(b, i, ctx);
      for (const p of ctx.positions) {
        const o = opened.get(p.id);
        const last = o?.stops[o.stops.length - 1];
        if (o && last?.level !== p.stopLoss) o.stops.push({ from: i + 1, level: p.stopLoss });
      }
    },
    onFilled: (fill, ctx) => {
      inner.onFilled?.(fill, ctx);
      if (!fill.opens) return;
      const p = ctx.positions.find((x) => x.id === fill.positionId)!;
      const filled = index.get(fill.time)!;
      opened.set(fill.positionId, {
        decided: decidedOf.get(fill.clientOrderId)!, filled, fill, takeProfit: p.takeProfit, stopLoss: p.stopLoss, stops: [{ from: filled, level: p.stopLoss }],
      });
    },
    onClosed: (trade, ctx) => {
      inner.onClosed?.(trade, ctx);
      const o = opened.get(trade.positionId);
      if (o) {
        o.exit = trade;
        o.exitIndex = index.get(trade.exitTime)!;
      }
    },
  };
  const { closedTrades: trades } = backtestStrategy({
    bars, instrument: inst, capital, magic: config.magic_number as number, strategy: wrapper,
    accountRate: inst.baseCurrency === 'USD' ? (p) => 1 / p : () => 1,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'OrderSubmitted' && e.order.closesPositionId === undefined) decidedOf.set(e.order.clientOrderId, index.get(e.order.decidedAt)!);
    },
  });
  void bar;
  const decisions = events.flatMap((e) => (e.type === 'OrderSubmitted' && e.order.closesPositionId === undefined ? [{ bar: index.get(e.order.decidedAt)!, side: e.order.side }] : []));
  return { opened: [...opened.values()], trades, events, decisions };
}

/** fast − slow sign per bar from plain-loop averages; 'tie' when the two are too close to call (rounding). */
function naiveSigns(bars: BarsView, fast: number, slow: number, ema: boolean): (1 | -1 | 0 | 'tie' | undefined)[] {
  const f = ema ? naiveEmaSeries(bars.close, fast) : Array.from({ length: bars.length }, (_, i) => naiveSma(bars.close, i, fast));
  const s = ema ? naiveEmaSeries(bars.close, slow) : Array.from({ length: bars.length }, (_, i) => naiveSma(bars.close, i, slow));
  return f.map((fv, i) => {
    const sv = s[i];
    if (fv === undefined || sv === undefined) return undefined;
    const d = fv - sv;
    if (Math.abs(d) < 1e-9 * Math.abs(sv)) return 'tie';
    return d > 0 ? 1 : -1;
  });
}

/**
 * Re-derives every decision with plain loops: on each bar a strict crossover (below → above: BUY, above → below:
 * SELL) must produce an order exactly when the position held is not already in that direction, and no order may
 * come on any other bar. Every order fills at the next bar's open. Returns the number of entries checked.
 */
function verifyDecisions(bars: BarsView, run: MaRun, raw: Record<string, unknown>): number {
  const config = resolved(simpleMa, raw);
  const signs = naiveSigns(bars, num(config, 'fast_period'), num(config, 'slow_period'), config.use_ema === true);
  const decided = new Map(run.decisions.map((d) => [d.bar, d.side]));
  expect(decided.size).toBe(run.decisions.length);
  // Bars on which the held position closed by TP/SL (flat from that bar's decision on).
  const flatAt = new Set(run.opened.filter((o) => o.exit && o.exit.exitReason !== 'signal').map((o) => o.exitIndex!));
  let side: 'BUY' | 'SELL' | null = null;
  for (let i = 1; i < bars.length; i++) {
    if (flatAt.has(i)) side = null;
    const prev = signs[i - 1];
    const cur = signs[i];
    const actual = decided.get(i) ?? null;
    if (prev === 'tie' || cur === 'tie') {
      if (actual) side = actual; // too close to call: accept either
      continue;
    }
    const cross: 'BUY' | 'SELL' | null = prev === -1 && cur === 1 ? 'BUY' : prev === 1 && cur === -1 ? 'SELL' : null;
    const expected: 'BUY' | 'SELL' | null = cross !== null && cross !== side ? cross : null;
    if (actual !== expected) expect.fail(`bar ${i}: prev ${prev}, now ${cur}, holding ${side}: expected ${expected}, got ${actual}`);
    if (actual) side = actual;
  }
  for (const o of run.opened) {
    expect(o.filled).toBe(o.decided + 1);
    expect(o.fill.price).toBe(bars.open[o.decided + 1]);
  }
  return run.opened.length;
}

describe('simple_ma parameters', () => {
  it('defaults, the spec example, and the cross-field checks', () => {
    expect(Object.fromEntries(SIMPLE_MA_PARAMS.map((p) => [p.key, p.default]))).toEqual({
      lot_size: 0.1, fast_period: 10, slow_period: 20, use_ema: false, take_profit_pips: 50, stop_loss_pips: 30, trailing_stop: false, risk_per_trade: 0, magic_number: 24680,
    });
    expect(resolveConfig(simpleMa, { lot_size: 0.01, fast_period: 10, slow_period: 20, take_profit_pips: 50, stop_loss_pips: 30 })).toMatchObject({ errors: [], warnings: [] });
    expect(resolveConfig(simpleMa, { fast_period: 20, slow_period: 20 }).errors).toEqual(['slow_period must be greater than fast_period']);
    expect(resolveConfig(simpleMa, { fast_period: 30 }).errors).toEqual(['slow_period must be greater than fast_period']);
    expect(resolveConfig(simpleMa, { risk_per_trade: 1, stop_loss_pips: 0 }).errors).toEqual(['risk_per_trade needs a stop: set stop_loss_pips above 0']);
    expect(resolveConfig(simpleMa, { trailing_stop: true, stop_loss_pips: 0 }).errors).toHaveLength(1);
    expect(resolveConfig(simpleMa, { risk_per_trade: 0.001 }).errors).toHaveLength(1);
    expect(resolveConfig(simpleMa, { ma_type: 'ema' }).warnings).toHaveLength(1);
    expect(() => simpleMa.create(resolved(simpleMa, { risk_per_trade: 1 }), instrument('EURGBP'))).toThrow(/risk_per_trade/);
  });
});

describe('simple_ma crossover rules (synthetic)', () => {
  // fast 1 / slow 2: fast − slow = (close − previous close) / 2, so the sign is the direction of the last move.
  const TINY = { fast_period: 1, slow_period: 2, ...OFF };

  it('a crossover is strict; touching is not crossing; a cross in the held direction does nothing', () => {
    //            0   1  2   3   4  5   6  7  8  9  10
    const closes = [10, 9, 10, 10, 9, 10, 9, 9, 10, 11, 10];
    // signs:        ·   −  +   0   −  +   −  0  +  +  −
    const run = runMa(barsFrom(closes), EURUSD, TINY);
    // 2: −→+ BUY. 3: +→0 nothing. 4: 0→− not strict. 5: −→+ BUY again, already long: nothing. 6: +→− SELL (reverse).
    // 8: 0→+ not strict. 10: +→− SELL, already short: nothing.
    expect(run.decisions).toEqual([{ bar: 2, side: 'BUY' }, { bar: 6, side: 'SELL' }]);
    expect(run.trades.map((t) => [t.side, t.exitReason, t.entryPrice, t.exitPrice])).toEqual([['BUY', 'signal', 10, 9], ['SELL', 'end_of_data', 9, 10]]);
  });

  it('reverses on the opposite crossover even with TP/SL set, and fills both at the next open', () => {
    const closes = [10, 9, 10, 9.999, 10.0005, 10.0003, 9.9999, 10.0004];
    const run = runMa(barsFrom(closes), EURUSD, { fast_period: 1, slow_period: 2 }); // 50/30 pips: far away
    expect(run.decisions.map((d) => [d.bar, d.side])).toEqual([[2, 'BUY'], [3, 'SELL'], [4, 'BUY'], [5, 'SELL'], [7, 'BUY']]);
    expect(run.trades.slice(0, 4).every((t) => t.exitReason === 'signal')).toBe(true);
    for (const o of run.opened) expect(o.fill.price).toBe(closes[o.decided]); // open = previous close here
  });

  it('does not act while an order is in flight', () => {
    const bars = barsFrom([10, 9, 10, 9]);
    const strategy = simpleMa.create(resolved(simpleMa, TINY), EURUSD);
    const ctx = new FakeContext(EURUSD);
    for (let i = 0; i < bars.length; i++) {
      ctx.pendingOrders = i === 2 ? 1 : 0;
      strategy.onBar(bars, i, ctx);
    }
    expect(ctx.orders.map((o) => o.side)).toEqual(['SELL']);
  });

  it('use_ema switches both averages to EMAs (SMA-seeded)', () => {
    const closes = Array.from({ length: 400 }, (_, i) => 1.1 + 0.002 * Math.sin(i / 7) + 0.001 * Math.sin(i / 2.3));
    const bars = barsFrom(closes);
    const raw = { use_ema: true, fast_period: 5, slow_period: 12, ...OFF };
    const n = verifyDecisions(bars, runMa(bars, EURUSD, raw), raw);
    expect(n).toBeGreaterThan(10);
    // And they differ from the SMA decisions on the same bars.
    expect(runMa(bars, EURUSD, { ...raw, use_ema: false }).decisions).not.toEqual(runMa(bars, EURUSD, raw).decisions);
  });

  it('warm-up bars before the first traded bar (a backtest from a later bar) warm the averages', () => {
    const closes = Array.from({ length: 60 }, (_, i) => 1.1 + 0.001 * Math.sin(i / 4));
    const bars = barsFrom(closes);
    const snap = (from: number) => {
      const inner = simpleMa.create(resolved(simpleMa, OFF), EURUSD);
      const seen: Record<number, Record<string, number | null>> = {};
      backtestStrategy({ bars, instrument: EURUSD, capital: 10_000, from, strategy: { onBar: (b, i, ctx) => { inner.onBar(b, i, ctx); seen[i] = inner.indicators!(); } } });
      return seen;
    };
    expect(snap(30)[30]).toEqual(snap(0)[30]);
    expect(snap(30)[30]?.slow_ma).toBeCloseTo(naiveSma(bars.close, 30, 20) as number, 12);
  });

  it('indicators(): fast and slow averages, TP and SL for charts', () => {
    const closes = [10, 9, 10, 11, 12];
    const strategy = simpleMa.create(resolved(simpleMa, { fast_period: 2, slow_period: 3 }), XAU);
    const ctx = new FakeContext(XAU);
    const bars = barsFrom(closes);
    for (let i = 0; i < bars.length; i++) strategy.onBar(bars, i, ctx);
    expect(strategy.indicators!()).toEqual({ fast_ma: 11.5, slow_ma: 11, take_profit: null, stop_loss: null });
  });
});

describe('simple_ma TP/SL in pips, trailing stop, risk sizing', () => {
  it('TP/SL distances are pips × the instrument pip size from the fill (gold: 0.1)', () => {
    const closes = [2000, 1999, 2000.5, 2001, 2004.9, 2005.2];
    const run = runMa(barsFrom(closes), XAU, { fast_period: 1, slow_period: 2 });
    const [o] = run.opened;
    expect(o?.fill.price).toBe(2000.5);
    expect(o?.takeProfit).toBe(2005.5); // 50 pips × 0.1
    expect(o?.stopLoss).toBe(1997.5); // 30 pips × 0.1
  });

  it('trailing: the stop follows the best close at the stop distance and never loosens; it exits at the trailed level', () => {
    // Close vs its 8-bar SMA: BUY decided on bar 9, fills at 100.00 on bar 10 (XAU, 30 pips = 3.00): stop 97.00.
    // Closes 101 → 98.00, 103 → 100.00, 102 (worse) → stays, 104.5 → 101.50, 104 → stays; bar 15's low reaches 101.50.
    const closes = [100, 100, 100, 100, 100, 100, 100, 100, 99, 100, 101, 103, 102, 104.5, 104, 103];
    const bars = barsFrom(closes, { lows: { 15: 101.4 } });
    const run = runMa(bars, XAU, { fast_period: 1, slow_period: 8, trailing_stop: true, take_profit_pips: 0 });
    expect(run.decisions).toEqual([{ bar: 9, side: 'BUY' }]);
    const [o] = run.opened;
    expect(o?.fill.price).toBe(100);
    expect(o?.stops.map((s) => s.level)).toEqual([97, 98, 100, 101.5]);
    expect(o?.stops.map((s) => s.from)).toEqual([10, 11, 12, 14]);
    expect(o?.exit).toMatchObject({ exitReason: 'stop_loss', exitPrice: 101.5 });
    expect(o?.exitIndex).toBe(15);
    // Without trailing the same position is still open at the end.
    expect(runMa(bars, XAU, { fast_period: 1, slow_period: 8, take_profit_pips: 0 }).trades[0]?.exitReason).toBe('end_of_data');
  });

  it('risk_per_trade: lots = capital × risk % / (stop pips × pip value per lot), rounded down to the lot step', () => {
    // EURUSD: pip value 10 $ per lot; 10,000 × 1 % / (30 × 10) = 0.333 → 0.33.
    expect(floorLots(EURUSD, riskLotsForStop(EURUSD, 10_000, 1, 30, 1.1))).toBe(0.33);
    // USDJPY at 110: pip value 1,000 yen = 9.09 $ per lot; 100 / (30 × 9.0909) = 0.3667 → 0.36.
    expect(floorLots(USDJPY, riskLotsForStop(USDJPY, 10_000, 1, 30, 110))).toBe(0.36);
    // Gold: pip 0.1 × 100 oz = 10 $ per lot; 50,000 × 2 % / (25 × 10) = 4.
    expect(floorLots(XAU, riskLotsForStop(XAU, 50_000, 2, 25, 2400))).toBe(4);
    // Capped at the maximum lot.
    expect(floorLots(EURUSD, riskLotsForStop(EURUSD, 10_000_000, 100, 1, 1.1))).toBe(100);
    const run = runMa(barsFrom([1.1, 1.099, 1.1, 1.1]), EURUSD, { fast_period: 1, slow_period: 2, risk_per_trade: 1 });
    expect(run.opened[0]?.fill.lots).toBe(0.33);
  });

  it('every order carries the magic_number', () => {
    const run = runMa(barsFrom([10, 9, 10, 9, 10]), EURUSD, { ...TINY_CFG, magic_number: 99 });
    for (const e of run.events) if (e.type === 'OrderSubmitted') expect(e.order.magic).toBe(99);
    expect(run.trades.every((t) => t.magic === 99)).toBe(true);
  });
});
const TINY_CFG = { fast_period: 1, slow_period: 2, ...OFF };

describe('simple_ma on real data, every decision re-derived with plain loops', () => {
  let eurusd: BarsView;
  let usdjpy: BarsView;
  let checked = 0;
  beforeAll(() => {
    eurusd = loadCandles('EURUSD_M1_2020-04-27_2020-05-22.csv.gz');
    usdjpy = loadCandles('USDJPY_M1_2017-01-29_2017-02-17.csv.gz');
  });

  it('TP/SL off: every strict crossover reverses (exit reason signal), nothing else trades', () => {
    const run = runMa(eurusd, EURUSD, OFF);
    checked += verifyDecisions(eurusd, run, OFF);
    expect(run.trades.slice(0, -1).every((t) => t.exitReason === 'signal')).toBe(true);
    // Each reversal closes at the same open the new position fills at.
    for (let k = 1; k < run.opened.length; k++) expect(run.opened[k - 1]?.exit?.exitTime).toBe(run.opened[k]?.fill.time);
    expect(run.opened.length).toBeGreaterThan(1000);
  });

  for (const [name, sym] of [['EURUSD', 'EURUSD'], ['USDJPY', 'USDJPY']] as const) {
    it(`${name}: TP/SL are exactly pips × pip size from the fill, untouched until the exit, and decide the exits`, () => {
      const bars = sym === 'EURUSD' ? eurusd : usdjpy;
      const inst = sym === 'EURUSD' ? EURUSD : USDJPY;
      // Wider averages on EURUSD so TP and SL are reached often enough to be checked.
      const raw = sym === 'EURUSD' ? { fast_period: 30, slow_period: 120, take_profit_pips: 8, stop_loss_pips: 5 } : { fast_period: 10, slow_period: 20 };
      const config = resolved(simpleMa, raw);
      const run = runMa(bars, inst, raw);
      checked += verifyDecisions(bars, run, raw);
      const tpPips = num(config, 'take_profit_pips');
      const slPips = num(config, 'stop_loss_pips');
      const exits: Record<string, number> = {};
      for (const o of run.opened) {
        const dir = o.fill.side === 'BUY' ? 1 : -1;
        expect(Math.abs(o.takeProfit! - o.fill.price - dir * tpPips * inst.pipSize)).toBeLessThan(1e-9);
        expect(Math.abs(o.fill.price - o.stopLoss! - dir * slPips * inst.pipSize)).toBeLessThan(1e-9);
        if (!o.exit) continue;
        exits[o.exit.exitReason] = (exits[o.exit.exitReason] ?? 0) + 1;
        for (let b = o.filled; b < o.exitIndex!; b++) {
          const hi = bars.high[b]!;
          const lo = bars.low[b]!;
          const untouched = dir === 1 ? hi < o.takeProfit! && lo > o.stopLoss! : lo > o.takeProfit! && hi < o.stopLoss!;
          if (!untouched) expect.fail(`TP/SL touched on bar ${b} before the exit`);
        }
        const x = o.exitIndex!;
        const open = bars.open[x]!;
        if (o.exit.exitReason === 'take_profit') {
          const gap = dir === 1 ? open >= o.takeProfit! : open <= o.takeProfit!;
          expect(o.exit.exitPrice).toBe(gap ? open : o.takeProfit);
        } else if (o.exit.exitReason === 'stop_loss') {
          const gap = dir === 1 ? open <= o.stopLoss! : open >= o.stopLoss!;
          expect(o.exit.exitPrice).toBe(gap ? open : o.stopLoss);
        } else if (o.exit.exitReason === 'signal') {
          expect(o.exit.exitPrice).toBe(open);
        }
      }
      expect(exits.take_profit).toBeGreaterThan(5);
      expect(exits.stop_loss).toBeGreaterThan(5);
      expect(exits.signal).toBeGreaterThan(5);
    });
  }

  it('trailing stop on real data: the stop at every bar is the best close so far minus the distance, never looser', () => {
    const raw = { fast_period: 30, slow_period: 120, take_profit_pips: 0, stop_loss_pips: 5, trailing_stop: true };
    const run = runMa(eurusd, EURUSD, raw);
    checked += verifyDecisions(eurusd, run, raw);
    const d = 5 * EURUSD.pipSize;
    let trailed = 0;
    for (const o of run.opened) {
      if (!o.exit) continue;
      const dir = o.fill.side === 'BUY' ? 1 : -1;
      let best = o.fill.price;
      let stop = o.stopLoss!;
      const expectedStops = [stop];
      for (let b = o.filled; b < o.exitIndex!; b++) {
        // Active on bar b: the stop set after the close of bar b − 1.
        if (dir === 1 ? !(eurusd.low[b]! > stop) : !(eurusd.high[b]! < stop)) expect.fail(`stop ${stop} touched on bar ${b} before the exit`);
        const c = eurusd.close[b]!;
        if (dir === 1 ? c > best : c < best) {
          best = c;
          const level = Number((best - dir * d).toFixed(EURUSD.digits));
          if (dir === 1 ? level > stop : level < stop) {
            stop = level;
            expectedStops.push(stop);
          }
        }
      }
      expect(o.stops.map((s) => s.level)).toEqual(expectedStops);
      if (expectedStops.length > 1) trailed++;
      if (o.exit.exitReason === 'stop_loss') {
        const open = eurusd.open[o.exitIndex!]!;
        const gap = dir === 1 ? open <= stop : open >= stop;
        expect(o.exit.exitPrice).toBe(gap ? open : stop);
      }
    }
    expect(trailed).toBeGreaterThan(50);
  });

  it('risk_per_trade on USDJPY: lots from the decision close (pip value = 0.01 × 100,000 / price dollars)', () => {
    const raw = { risk_per_trade: 0.5 };
    const run = runMa(usdjpy, USDJPY, raw, 20_000);
    for (const o of run.opened) expect(o.fill.lots).toBe(floorLots(USDJPY, riskLotsForStop(USDJPY, 20_000, 0.5, 30, usdjpy.close[o.decided]!)));
    expect(new Set(run.opened.map((o) => o.fill.lots)).size).toBeGreaterThan(1);
  });

  it('use_ema on real data', () => {
    const raw = { use_ema: true, ...OFF };
    checked += verifyDecisions(usdjpy, runMa(usdjpy, USDJPY, raw), raw);
  });

  it('checked a meaningful number of entries', () => {
    console.log(`simple_ma real-data checks: ${checked} entries`);
    expect(checked).toBeGreaterThan(3000);
  });
});
