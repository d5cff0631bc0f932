import { describe, expect, it } from 'vitest';
import type { Instrument } from '../domain/instruments';
import { DEFAULT_ORDER_POLICY, type OrderPolicySettings } from '../engine/order-policy';
import { DEFAULT_EXECUTION_MODEL, type ExecutionModel } from '../engine/simulated-exchange';
import { resolveConfig } from '../strategies/params';
import { simpleMa } from '../strategies/simple-ma';
import type { StrategyDefinition } from '../strategies/strategy';
import { runSleeve, type SleeveSpec } from './engine';
import { executeBacktest, type SeriesColumns } from './run-backtest';

/**
 * The execution model on hand-made bars, every number worked out by hand: fill at the next open or at the close,
 * spread, slippage, commission (% and per lot), sizing modes and rounding, long/short-only, the close-out at the
 * end of the data, and the bar-level measurements (mark-to-market drawdown, exposure, daily equity).
 */

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** A share-like instrument: contract 1, whole lots, 2 digits, USD. */
const STOCK: Instrument = {
  symbol: 'TEST', assetClass: 'stock', baseCurrency: 'TEST', quoteCurrency: 'USD', digits: 2, point: 0.01, pipSize: 0.01,
  contractSize: 1, minLot: 1, lotStep: 1, maxLot: 1_000_000,
};
const COIN: Instrument = { ...STOCK, symbol: 'COIN', assetClass: 'crypto', minLot: 0.00001, lotStep: 0.00001 };

function bars(rows: [open: number, high: number, low: number, close: number][], stepMs = DAY): SeriesColumns {
  const n = rows.length;
  const s: SeriesColumns = {
    time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n),
    close: new Float64Array(n), volume: new Float64Array(n), length: n,
  };
  rows.forEach(([o, h, l, c], i) => {
    s.time[i] = T0 + i * stepMs;
    s.open[i] = o;
    s.high[i] = h;
    s.low[i] = l;
    s.close[i] = c;
    s.volume[i] = 1;
  });
  return s;
}

type Action = { at: number; do: 'buy' | 'sell' | 'close'; lots?: number; tp?: number; sl?: number };

/** A strategy that does exactly what the script says on the given bars (decisions at the bar's close). */
function scripted(actions: Action[]): StrategyDefinition {
  return {
    name: 'scripted', title: 'scripted', description: '', params: [],
    create: () => ({
      onBar(_bars, index, ctx) {
        for (const a of actions.filter((x) => x.at === index)) {
          if (a.do === 'close') ctx.closeAll('signal');
          else {
            const options = { takeProfit: a.tp ?? null, stopLoss: a.sl ?? null };
            if (a.do === 'buy') ctx.buy(a.lots ?? 10, options);
            else ctx.sell(a.lots ?? 10, options);
          }
        }
      },
    }),
  };
}

//            open  high  low  close
const BARS = bars([
  [100, 101, 99, 100], // 0
  [102, 104, 101, 103], // 1
  [105, 106, 100, 101], // 2
  [101, 110, 100, 108], // 3
  [108, 109, 107, 108], // 4
]);

function run(actions: Action[], model: Partial<ExecutionModel> = {}, policy: Partial<OrderPolicySettings> = {}, instrument = STOCK, series = BARS) {
  const spec: SleeveSpec = {
    instrument,
    definition: scripted(actions),
    config: {},
    capital: 1000,
    model: { ...DEFAULT_EXECUTION_MODEL, ...model },
    policy: { ...DEFAULT_ORDER_POLICY, ...policy },
    warmFrom: 0,
    from: 0,
    to: series.length,
  };
  return runSleeve(series, spec);
}

describe('fills', () => {
  it('next open (default): buy decided at bar 0 fills at bar 1 open 102; close decided at bar 2 fills at bar 3 open 101', () => {
    const r = run([{ at: 0, do: 'buy' }, { at: 2, do: 'close' }]);
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t).toMatchObject({ side: 'BUY', lots: 10, entryPrice: 102, exitPrice: 101, entryTime: T0 + DAY, exitTime: T0 + 3 * DAY, exitReason: 'signal' });
    expect(t.pnl).toBeCloseTo(-10, 10); // (101 − 102) × 10
    expect(r.finalEquity).toBeCloseTo(990, 10);
  });

  it("at the close: the same decisions fill at bar 0's close 100 and bar 2's close 101", () => {
    const t = run([{ at: 0, do: 'buy' }, { at: 2, do: 'close' }], { fillAt: 'close' }).trades[0]!;
    expect(t).toMatchObject({ entryPrice: 100, exitPrice: 101, entryTime: T0, exitTime: T0 + 2 * DAY });
    expect(t.pnl).toBeCloseTo(10, 10);
  });

  it('spread 100 points (1.00) and slippage 50 points (0.50): buy at 102 + 1 + 0.5, sell at 101 − 0.5', () => {
    const t = run([{ at: 0, do: 'buy' }, { at: 2, do: 'close' }], { spreadPoints: 100, slippagePoints: 50 }).trades[0]!;
    expect(t.entryPrice).toBeCloseTo(103.5, 10);
    expect(t.exitPrice).toBeCloseTo(100.5, 10);
    expect(t.pnl).toBeCloseTo(-30, 10);
  });

  it('a short pays the spread on its exit: sell at bid 102, buy back at ask 101 + 1', () => {
    const t = run([{ at: 0, do: 'sell' }, { at: 2, do: 'close' }], { spreadPoints: 100 }).trades[0]!;
    expect(t).toMatchObject({ side: 'SELL', entryPrice: 102, exitPrice: 102 });
    expect(t.pnl).toBeCloseTo(0, 10);
  });

  it('commission 1 % per side on the notional (10.20 + 10.10) and 2 per lot per side (20 + 20)', () => {
    const pct = run([{ at: 0, do: 'buy' }, { at: 2, do: 'close' }], { commissionPct: 1 }).trades[0]!;
    expect(pct.commission).toBeCloseTo(20.3, 10);
    expect(pct.pnl).toBeCloseTo(-30.3, 10);
    const perLot = run([{ at: 0, do: 'buy' }, { at: 2, do: 'close' }], { commissionPerLot: 2 }).trades[0]!;
    expect(perLot.commission).toBeCloseTo(40, 10);
    expect(perLot.pnl).toBeCloseTo(-50, 10);
  });

  it('take-profit and stop against the bar range: TP 105 is reached inside bar 2 (high 106) and fills at 105', () => {
    const t = run([{ at: 0, do: 'buy', tp: 105, sl: 95 }]).trades[0]!;
    expect(t).toMatchObject({ exitReason: 'take_profit', exitPrice: 105, exitTime: T0 + 2 * DAY, takeProfit: 105, stopLoss: 95 });
  });

  it('both touched in one bar: the stop is assumed first (bar 2: low 100 ≤ SL 100.5 and high 106 ≥ TP 105.5)', () => {
    const t = run([{ at: 0, do: 'buy', tp: 105.5, sl: 100.5 }]).trades[0]!;
    expect(t).toMatchObject({ exitReason: 'stop_loss', exitPrice: 100.5 });
  });

  it('open at the end: closed at the last close (108) as end_of_data; an entry decided on the last bar is dropped', () => {
    const r = run([{ at: 3, do: 'buy' }, { at: 4, do: 'sell' }]);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ entryPrice: 108, exitPrice: 108, exitReason: 'end_of_data', exitTime: T0 + 4 * DAY });
  });
});

describe('bar-level measurements', () => {
  // Equity at each close: 1000 (flat), 1010 (10 × (103 − 102)), 990 (10 × (101 − 102)), 990 (closed at 101), 990.
  const r = run([{ at: 0, do: 'buy' }, { at: 2, do: 'close' }]);

  it('daily equity = the equity at the end of each UTC day', () => {
    expect([...r.dayEquity.subarray(0, r.days)].map((x) => Math.round(x * 100) / 100)).toEqual([1000, 1010, 990, 990, 990]);
    expect([...r.dayIndex.subarray(0, r.days)]).toEqual([0, 1, 2, 3, 4].map((d) => T0 / DAY + d));
  });

  it('max drawdown on mark-to-market equity: peak 1010 → 990 = 20 (1.98 %)', () => {
    expect(r.maxDrawdownAmount).toBeCloseTo(20, 10);
    expect(r.maxDrawdown).toBeCloseTo(20 / 1010, 12);
  });

  it('exposure: bars 1 and 2 held the position, bar 3 until its open = 3 of 5 bars', () => {
    expect(r.exposedBars).toBe(3);
    expect(r.tradedBars).toBe(5);
  });

  it('warm-up bars are seen by the strategy but not traded or measured', () => {
    const seen: number[] = [];
    const definition: StrategyDefinition = {
      ...scripted([]),
      create: () => ({
        onBar(_b, index, ctx) {
          seen.push(index);
          ctx.buy(1);
        },
      }),
    };
    const out = runSleeve(BARS, { instrument: STOCK, definition, config: {}, capital: 1000, model: DEFAULT_EXECUTION_MODEL, policy: DEFAULT_ORDER_POLICY, warmFrom: 1, from: 3, to: 5 });
    expect(seen).toEqual([0, 1, 2, 3]); // indices into the view that starts at bar 1
    expect(out.tradedBars).toBe(2);
    expect(out.trades[0]).toMatchObject({ entryTime: T0 + 4 * DAY }); // the order of bar 3 (view index 2), filled at bar 4
  });
});

describe('sizing and direction (the order policy)', () => {
  const size = (policy: Partial<OrderPolicySettings>, model: Partial<ExecutionModel> = {}, instrument = STOCK) =>
    run([{ at: 0, do: 'buy', lots: 7 }], model, policy, instrument).trades[0]?.lots;

  it('strategy: the lots the strategy asked for', () => expect(size({})).toBe(7));
  it('fixed_lots 3', () => expect(size({ sizing: 'fixed_lots', value: 3 })).toBe(3));
  it('fixed_cash 1000 at the decision close 100 → 10 units', () => expect(size({ sizing: 'fixed_cash', value: 1000 })).toBe(10));
  it('fixed_cash 950 → 9.5 units, down to the lot step 1 → 9', () => expect(size({ sizing: 'fixed_cash', value: 950 })).toBe(9));
  it('percent_equity 50 % of 1000 at 100 → 5', () => expect(size({ sizing: 'percent_equity', value: 50 })).toBe(5));
  // all_equity is sized at the fill (bar 1's open 102), as backtesting.py does, not at the decision close 100.
  it('all_equity with 1 % commission: 1000 / (102 × 1.01) = 9.71 → 9', () => expect(size({ sizing: 'all_equity', commissionPct: 1 }, { commissionPct: 1 })).toBe(9));
  it('all_equity fractional: exactly 1000 / (102 × 1.01)', () => expect(size({ sizing: 'all_equity', commissionPct: 1, rounding: 'fractional' }, { commissionPct: 1 })).toBeCloseTo(1000 / (102 * 1.01), 12));
  it('a coin: fixed_cash 1000 at 300 → 3.33333 on the lot step, 3 in whole units', () => {
    const series = bars([[300, 300, 300, 300], [300, 300, 300, 300], [300, 300, 300, 300]]);
    const lots = (rounding: OrderPolicySettings['rounding']) =>
      run([{ at: 0, do: 'buy' }], {}, { sizing: 'fixed_cash', value: 1000, rounding }, COIN, series).trades[0]?.lots;
    expect(lots('lot_step')).toBe(3.33333);
    expect(lots('whole_units')).toBe(3);
    expect(lots('fractional')).toBeCloseTo(1000 / 300, 12);
  });

  it('all_equity sizes a reversal at its fill with the cash after the closing fill (backtesting.py): 10 shares, not 9', () => {
    // Bar 0 decides BUY (close 100): it fills at bar 1's open 102 with 1000 / 102 = 9.8 → 9 shares (918 spent).
    // Bar 2 decides the reversal at close 120 (then 1162 of equity would size 1162 / 120 = 9.68 → 9), but bar 3
    // gaps down to 80: the long closes first at 80 (9 × (80 − 102) = −198, cash 802), then the SELL is sized with
    // those 802 at 80: 10.025 → 10 shares. Bar 4's close 78 ends it: 10 × (80 − 78) = +20. Final 1000 − 198 + 20.
    const series = bars([[100, 100, 100, 100], [102, 104, 101, 103], [104, 121, 104, 120], [80, 81, 77, 79], [79, 80, 77, 78]]);
    const r = run([{ at: 0, do: 'buy' }, { at: 2, do: 'close' }, { at: 2, do: 'sell' }], {}, { sizing: 'all_equity' }, STOCK, series);
    expect(r.trades.map((t) => [t.side, t.lots, t.entryPrice, t.exitPrice, t.exitReason])).toEqual([
      ['BUY', 9, 102, 80, 'signal'],
      ['SELL', 10, 80, 78, 'end_of_data'],
    ]);
    expect(r.trades[0]!.pnl).toBeCloseTo(-198, 10);
    expect(r.trades[1]!.pnl).toBeCloseTo(20, 10);
    expect(r.finalEquity).toBeCloseTo(822, 10);
    expect(r.refusals).toEqual([]);
  });

  it('all_equity: an entry the fill price makes unaffordable is refused there and counted (LOT_TOO_SMALL at the fill)', () => {
    // 100 of capital: the decision close 100 buys 1 share, the fill at bar 1's open 102 buys 0.98 → nothing.
    const r = runSleeve(BARS, {
      instrument: STOCK, definition: scripted([{ at: 0, do: 'buy' }]), config: {}, capital: 100, model: DEFAULT_EXECUTION_MODEL,
      policy: { ...DEFAULT_ORDER_POLICY, sizing: 'all_equity' }, warmFrom: 0, from: 0, to: BARS.length,
    });
    expect(r.trades).toEqual([]);
    expect(r.signalsGenerated).toBe(1);
    expect(r.signalsFiltered).toBe(1);
    expect(r.refusals).toHaveLength(1);
    expect(r.refusals[0]).toMatchObject({ code: 'LOT_TOO_SMALL', count: 1, atFill: 1, maxPrice: 102 });
    expect(r.refusals[0]!.maxLots).toBeCloseTo(100 / 102, 12);
  });

  it('refused entries are counted by rule with the largest size asked and the highest price (decision close)', () => {
    // fixed_cash 50 at closes 100, 103, 101 → 0.5, 0.485…, 0.495… shares: below the 1-share minimum, three times.
    const r = run([{ at: 0, do: 'buy' }, { at: 1, do: 'buy' }, { at: 2, do: 'sell' }], {}, { sizing: 'fixed_cash', value: 50 });
    expect(r.trades).toEqual([]);
    expect(r.refusals).toHaveLength(1);
    expect(r.refusals[0]).toMatchObject({ code: 'LOT_TOO_SMALL', count: 3, atFill: 0, maxPrice: 103 });
    expect(r.refusals[0]!.maxLots).toBeCloseTo(0.5, 12);
    const both = run([{ at: 0, do: 'sell' }, { at: 1, do: 'buy' }], {}, { direction: 'long_only', sizing: 'fixed_cash', value: 50 });
    expect(both.refusals.map((x) => [x.code, x.count])).toEqual([['DIRECTION_NOT_ALLOWED', 1], ['LOT_TOO_SMALL', 1]]);
  });

  it('long_only refuses a SELL entry (counted as filtered), short_only a BUY entry', () => {
    const longOnly = run([{ at: 0, do: 'sell' }, { at: 1, do: 'buy' }], {}, { direction: 'long_only' });
    expect(longOnly.trades.map((t) => t.side)).toEqual(['BUY']);
    expect(longOnly.signalsFiltered).toBe(1);
    expect(longOnly.signalsGenerated).toBe(1);
    const shortOnly = run([{ at: 0, do: 'sell' }, { at: 1, do: 'buy' }], {}, { direction: 'short_only' });
    expect(shortOnly.trades.map((t) => t.side)).toEqual(['SELL']);
  });
});

describe('simple_ma without TP/SL: strict crossovers, close and reverse', () => {
  // fast = SMA(1) = the close, slow = SMA(2): fast > slow exactly when the close rose from the previous one.
  // Closes 10, 9, 10, 10, 11, 10, 9, 10 → signs (from bar 1) −1, +1, 0, +1, −1, −1, +1.
  // Crossovers: bar 2 up (−1 → +1); bar 4 is NOT one (0 → +1: touching breaks it); bar 5 down; bar 7 up.
  const closes = [10, 9, 10, 10, 11, 10, 9, 10];
  const series = bars(closes.map((c) => [c, c, c, c]));
  const config = resolveConfig(simpleMa, { fast_period: 1, slow_period: 2, take_profit_pips: 0, stop_loss_pips: 0, lot_size: 1 }).config;
  const result = (policy: Partial<OrderPolicySettings> = {}) =>
    runSleeve(series, { instrument: STOCK, definition: simpleMa, config, capital: 1000, model: DEFAULT_EXECUTION_MODEL, policy: { ...DEFAULT_ORDER_POLICY, ...policy }, warmFrom: 0, from: 0, to: series.length });

  it('BUY at bar 3, reversed to SELL at bar 6 (the close and the new entry fill together), closed at the end', () => {
    const r = result();
    expect(r.trades.map((t) => [t.side, (t.entryTime - T0) / DAY, (t.exitTime - T0) / DAY, t.exitReason])).toEqual([
      ['BUY', 3, 6, 'signal'],
      // bar 7's cross up closes the short (its close fills at the last close) and its BUY entry is dropped
      ['SELL', 6, 7, 'signal'],
    ]);
    expect(r.signalsGenerated).toBe(3);
  });

  it('long_only: the down-cross only closes the long', () => {
    const r = result({ direction: 'long_only' });
    expect(r.trades.map((t) => [t.side, (t.entryTime - T0) / DAY, (t.exitTime - T0) / DAY])).toEqual([['BUY', 3, 6]]);
    expect(r.signalsFiltered).toBe(1);
  });
});

describe('determinism and several symbols', () => {
  const series = bars(Array.from({ length: 400 }, (_, i) => {
    const c = 100 + 10 * Math.sin(i / 7) + i / 50;
    return [c - 0.3, c + 1, c - 1, c] as [number, number, number, number];
  }), 3_600_000);
  const config = resolveConfig(simpleMa, { fast_period: 5, slow_period: 12, take_profit_pips: 300, stop_loss_pips: 200, lot_size: 1 }).config;
  const job = (symbols: string[]) => ({
    strategy: 'simple_ma', config, capital: 10_000, timeframeMs: 3_600_000,
    model: { ...DEFAULT_EXECUTION_MODEL, commissionPct: 0.1, spreadPoints: 2 },
    policy: { ...DEFAULT_ORDER_POLICY, sizing: 'fixed_cash' as const, value: 1000 },
    sleeves: symbols.map((symbol) => ({ symbol, series, warmFrom: 0, from: 0, to: series.length })),
  });

  it('the same backtest twice gives byte-identical results', () => {
    const a = JSON.stringify(executeBacktest(job(['GOOG'])).results);
    const b = JSON.stringify(executeBacktest(job(['GOOG'])).results);
    expect(a).toBe(b);
    expect(JSON.parse(a).summary.total_trades).toBeGreaterThan(5);
  });

  it('two identical sleeves with half the capital each: twice the trades, the same ROI and drawdown', () => {
    const one = executeBacktest(job(['GOOG'])).results;
    const two = executeBacktest(job(['GOOG', 'GOOG'])).results;
    expect(two.summary.total_trades).toBe(2 * one.summary.total_trades);
    // Fixed cash per trade: each sleeve makes the same money on half the capital.
    expect(two.summary.total_pnl).toBeCloseTo(2 * one.summary.total_pnl, 1);
    expect(two.per_symbol).toHaveLength(2);
    expect(two.equity_curve).toHaveLength(one.equity_curve.length);
  });
});
