import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturesDirectory, loadCandles } from '../../../test/kit/candles';
import { describeWithSharedData } from '../../../test/kit/long-check';
import { normalizeLots, type Instrument } from '../domain/instruments';
import type { Position } from '../domain/trading';
import { backtestStrategy } from '../backtest/backtest.test-helpers';
import { GOLD_BUY_DIP_PARAMS, goldBuyDip, gridLevelMultiplier, riskSizedLots } from './gold-buy-dip';
import { num, resolveConfig, type ResolvedConfig } from './params';
import { floorLots } from './sizing';
import type { BarsView, Strategy } from './strategy';
import {
  FakeContext, barsFrom, instrument, mirror, naiveAtrSeries, naiveHighest, naiveLowest, naiveZScore, recordRun, resolved, type RecordedRun,
} from './strategies.test-helpers';

const XAU = instrument('XAUUSD');

// ---------------------------------------------------------------------------------------------------------------
// Synthetic scenarios
// ---------------------------------------------------------------------------------------------------------------

/** 40 quiet bars at 100 ± 0.01, then bar 40 closes at 98.9 under a spike high of 103, then `after` closes. */
function spikeBars(after: number[] = [98.95, 99, 99.05, 99.1], extra: { highs?: Record<number, number> } = {}): BarsView {
  const closes: number[] = [];
  for (let i = 0; i < 40; i++) closes.push(i % 2 ? 100.01 : 99.99);
  closes.push(98.9, ...after);
  return barsFrom(closes, { wick: 0.05, highs: { 40: 103, ...extra.highs } });
}

// In spikeBars, bar 40: close 98.9; highest high of bars 21…40 = 103 (its own high) → (103 − 98.9)/103 = 3.98 % ≥ 2;
// without bar 40 the high is 100.06 → 1.16 %. The z-score of 98.9 against 19 closes at 100 ± 0.01 is ≈ −4.36.
const SPIKE = { lookback_candles: 20, zscore_period: 20, percentage_threshold: 2, zscore_wait_candles: 10, use_grid_trading: false };

/**
 * A setup without confirmation, then a confirmation `gap` bars later: quiet at 100 until bar 40, a 20-bar ramp down to
 * 97.9 (bars 59 and 60 are ≥ 2 % below the 50-bar high; a ramp's z-score is only ≈ −1.65), a rebound to 99.5 ± 0.01
 * (no setup: 0.5 % below the high), and at bar 60 + gap a dip to 99.0 (≈ 1 % below the high: no setup, but z ≈ −4.4).
 */
function waitBars(gap: number): BarsView {
  const closes: number[] = [];
  for (let i = 0; i <= 40; i++) closes.push(i % 2 ? 100.01 : 99.99);
  for (let k = 1; k <= 20; k++) closes.push(100 - (k / 20) * 2.1);
  while (closes.length < 60 + gap) closes.push(closes.length % 2 ? 99.51 : 99.49);
  closes.push(99.0);
  for (let k = 0; k < 10; k++) closes.push(99.5);
  return barsFrom(closes, { wick: 0.01 });
}
const WAIT = { lookback_candles: 50, zscore_period: 20, percentage_threshold: 2, use_grid_trading: false };

const entriesOf = (run: RecordedRun) => run.series.flatMap((s) => s.entries);

describe('gold_buy_dip parameters', () => {
  it("has every parameter of the spec's table with the spec's default and type", () => {
    const spec = readFileSync(resolve(fixturesDirectory, 'spec/forex-echo-backend-api.md'), 'utf8');
    const table = spec.slice(spec.indexOf('### Parameter Details'));
    const rows = [...table.matchAll(/^\| `(\w+)` \| [^|]+\| `([^`]+)` \| (float|int|bool) \|$/gm)].slice(0, 21);
    expect(rows.length).toBe(21);
    for (const [, key, def, type] of rows) {
      const param = GOLD_BUY_DIP_PARAMS.find((p) => p.key === key);
      expect(param, key).toBeDefined();
      expect(param?.default, key).toEqual(JSON.parse(def as string));
      expect(param?.type, key).toBe(type);
      expect(param?.description.length, key).toBeGreaterThan(10);
    }
    expect(GOLD_BUY_DIP_PARAMS.map((p) => p.key).sort()).toEqual([...rows.map((r) => r[1]), 'risk_per_trade'].sort());
  });

  it('resolves an empty config to the defaults, rejects out-of-range values and names unknown keys', () => {
    const empty = resolveConfig(goldBuyDip, {});
    expect(empty.errors).toEqual([]);
    expect(empty.config.lookback_candles).toBe(50);
    expect(empty.config.risk_per_trade).toBe(0);
    const bad = resolveConfig(goldBuyDip, { lookback_candles: 1, lot_size: 0.001, percentage_threshold: 0, max_grid_trades: 2.5, use_grid_trading: 'yes' });
    expect(bad.errors).toHaveLength(5);
    expect(resolveConfig(goldBuyDip, { lookback_candles: 5001 }).errors).toHaveLength(1);
    expect(resolveConfig(goldBuyDip, { lot_size: 101 }).errors).toHaveLength(1);
    expect(resolveConfig(goldBuyDip, { risk_per_trade: 0.005 }).errors).toEqual(['risk_per_trade must be 0 (off) or between 0.01 and 100 %']);
    expect(resolveConfig(goldBuyDip, { risk_per_trade: 0.01 }).errors).toEqual([]);
    expect(resolveConfig(goldBuyDip, { lots: 1 }).warnings).toEqual(['"lots" is not a parameter of gold_buy_dip and was ignored']);
  });

  it('accepts every config the spec shows', () => {
    const spec = readFileSync(resolve(fixturesDirectory, 'spec/forex-echo-backend-api.md'), 'utf8');
    const configs = [...spec.matchAll(/"strategy_name": "gold_buy_dip",\s*"config": (\{[^}]*\})/g)].map((m) => JSON.parse((m[1] as string).replace(/\/\/[^\n]*/g, '')) as Record<string, unknown>);
    expect(configs.length).toBeGreaterThanOrEqual(6);
    for (const raw of configs) expect(resolveConfig(goldBuyDip, raw)).toMatchObject({ errors: [], warnings: [] });
  });

  it('grid_spacing_percent: x means grid_percent: x with use_grid_percent: true', () => {
    expect(resolved(goldBuyDip, { grid_spacing_percent: 0.3 })).toMatchObject({ grid_percent: 0.3, use_grid_percent: true });
  });

  it('setting take_profit_percent or grid_percent switches the percent mode on, unless the config sets the switch', () => {
    expect(resolved(goldBuyDip, { take_profit_percent: 0.2 })).toMatchObject({ take_profit_percent: 0.2, use_take_profit_percent: true });
    expect(resolved(goldBuyDip, { take_profit_percent: 0.2, use_take_profit_percent: false }).use_take_profit_percent).toBe(false);
    expect(resolved(goldBuyDip, { use_take_profit_percent: false, take_profit_percent: 0.2 }).use_take_profit_percent).toBe(false);
    // The spec's full example: grid_percent 0.5 with use_grid_percent false stays ATR spacing.
    expect(resolved(goldBuyDip, { use_grid_percent: false, grid_percent: 0.5 }).use_grid_percent).toBe(false);
    expect(resolved(goldBuyDip, { grid_percent: 0.5 }).use_grid_percent).toBe(true);
    expect(resolved(goldBuyDip, {}).use_take_profit_percent).toBe(false);
  });

  it('refuses risk sizing on a symbol whose price move it cannot value in USD', () => {
    expect(() => goldBuyDip.create(resolved(goldBuyDip, { risk_per_trade: 1 }), instrument('EURGBP'))).toThrow(/risk_per_trade/);
    expect(() => goldBuyDip.create(resolved(goldBuyDip, { risk_per_trade: 1 }), instrument('USDJPY'))).not.toThrow();
  });
});

describe('gold_buy_dip setup and z-score confirmation (synthetic)', () => {
  it('the lookback window includes the decision bar: a close 2 % under its own high is a setup', () => {
    const run = recordRun(goldBuyDip, SPIKE, { bars: spikeBars(), instrument: XAU });
    expect(entriesOf(run).map((e) => [e.decided, e.order.side])).toEqual([[40, 'BUY']]);
    // Filled at the next bar's open.
    expect(entriesOf(run)[0]?.fill).toMatchObject({ price: 98.9, time: spikeBars().time[41] });
  });

  it('the window is exactly the last lookback_candles bars: a high N−1 bars back counts, N bars back does not', () => {
    const bars = (spikeAt: number) => {
      const b = spikeBars();
      (b.high as Float64Array)[40] = 99.95; // bar 40 no longer has its own spike
      (b.high as Float64Array)[spikeAt] = 103;
      return b;
    };
    // Wait 0, so only bar 40's own window matters (a spike also makes the bars after it setups).
    const config = { ...SPIKE, zscore_wait_candles: 0 };
    expect(entriesOf(recordRun(goldBuyDip, config, { bars: bars(21), instrument: XAU })).map((e) => e.decided)).toEqual([40]);
    expect(entriesOf(recordRun(goldBuyDip, config, { bars: bars(20), instrument: XAU }))).toEqual([]);
  });

  it('the threshold is a percentage of the high: 3.98 % passes 3.9 and fails 4.0', () => {
    expect(entriesOf(recordRun(goldBuyDip, { ...SPIKE, percentage_threshold: 3.9 }, { bars: spikeBars(), instrument: XAU }))).toHaveLength(1);
    expect(entriesOf(recordRun(goldBuyDip, { ...SPIKE, percentage_threshold: 4.0 }, { bars: spikeBars(), instrument: XAU }))).toHaveLength(0);
  });

  it('needs the z-score at or beyond the threshold: −4.36 confirms −4.3, not −4.4', () => {
    expect(naiveZScore(spikeBars().close, 40, 20)).toBeCloseTo(-4.36, 2);
    expect(entriesOf(recordRun(goldBuyDip, { ...SPIKE, zscore_threshold_buy: -4.3 }, { bars: spikeBars(), instrument: XAU }))).toHaveLength(1);
    expect(entriesOf(recordRun(goldBuyDip, { ...SPIKE, zscore_threshold_buy: -4.4 }, { bars: spikeBars(), instrument: XAU }))).toHaveLength(0);
  });

  it('a setup is confirmed within zscore_wait_candles bars, and expires after', () => {
    // Setup on bars 59–60, confirmation 30 bars after the last setup bar.
    expect(naiveZScore(waitBars(30).close, 60, 20)).toBeGreaterThan(-2);
    expect(naiveZScore(waitBars(30).close, 90, 20)).toBeLessThan(-4);
    expect(entriesOf(recordRun(goldBuyDip, { ...WAIT, zscore_wait_candles: 30 }, { bars: waitBars(30), instrument: XAU })).map((e) => e.decided)).toEqual([90]);
    expect(entriesOf(recordRun(goldBuyDip, { ...WAIT, zscore_wait_candles: 29 }, { bars: waitBars(30), instrument: XAU }))).toEqual([]);
    expect(entriesOf(recordRun(goldBuyDip, { ...WAIT, zscore_wait_candles: 20 }, { bars: waitBars(20), instrument: XAU })).map((e) => e.decided)).toEqual([80]);
    expect(entriesOf(recordRun(goldBuyDip, { ...WAIT, zscore_wait_candles: 19 }, { bars: waitBars(20), instrument: XAU }))).toEqual([]);
  });

  it('zscore_wait_candles 0: only a confirmation on the setup bar itself', () => {
    expect(entriesOf(recordRun(goldBuyDip, { ...SPIKE, zscore_wait_candles: 0 }, { bars: spikeBars(), instrument: XAU }))).toHaveLength(1);
    expect(entriesOf(recordRun(goldBuyDip, { ...WAIT, zscore_wait_candles: 0 }, { bars: waitBars(1), instrument: XAU }))).toEqual([]);
  });

  it('SELL is the mirror: a close 2 % above the lowest low with z ≥ the sell threshold', () => {
    const up = recordRun(goldBuyDip, SPIKE, { bars: mirror(spikeBars(), 100), instrument: XAU });
    expect(entriesOf(up).map((e) => [e.decided, e.order.side])).toEqual([[40, 'SELL']]);
    const wait = recordRun(goldBuyDip, { ...WAIT, zscore_wait_candles: 30 }, { bars: mirror(waitBars(30), 100), instrument: XAU });
    expect(entriesOf(wait).map((e) => [e.decided, e.order.side])).toEqual([[90, 'SELL']]);
    expect(entriesOf(recordRun(goldBuyDip, { ...WAIT, zscore_wait_candles: 29 }, { bars: mirror(waitBars(30), 100), instrument: XAU }))).toEqual([]);
  });

  it('does not send the signal again while the entry is pending, and waits while any order is in flight', () => {
    const bars = spikeBars([98.5, 98.4, 98.3]); // bar 41 is still a setup (spike in the window) with z ≤ −3
    const drive = (pendingAt: (i: number) => number) => {
      const strategy = goldBuyDip.create(resolved(goldBuyDip, SPIKE), XAU);
      const ctx = new FakeContext(XAU);
      const decided: number[] = [];
      for (let i = 0; i < bars.length; i++) {
        ctx.pendingOrders = pendingAt(i);
        const before = ctx.orders.length;
        strategy.onBar(bars, i, ctx);
        if (ctx.orders.length > before) decided.push(i);
        if (ctx.orders.length > before) ctx.pendingOrders = 1;
      }
      return decided;
    };
    // The order sent on bar 40 stays pending (never filled): nothing more is sent.
    expect(drive((i) => (i > 40 ? 1 : 0))).toEqual([40]);
    // Something in flight on bar 40 (no position yet): no entry then; bar 41 on its own is a fresh setup + confirmation.
    expect(drive((i) => (i === 40 ? 1 : 0))).toEqual([41]);
  });

  it('one series at a time: no new setup while a series is open', () => {
    // After the entry on bar 40 the price keeps falling with fresh setups and z extremes; without grid, nothing is added.
    const closes = [98.5, 98.0, 97.5, 97.0, 96.5, 96.0];
    const run = recordRun(goldBuyDip, SPIKE, { bars: spikeBars(closes), instrument: XAU });
    expect(entriesOf(run)).toHaveLength(1);
    expect(run.trades.map((t) => t.exitReason)).toEqual(['end_of_data']);
  });
});

describe('gold_buy_dip series: take-profit, grid, drawdown (synthetic)', () => {
  const GRID = { ...SPIKE, use_grid_trading: true, grid_spacing_percent: 0.5, max_grid_trades: 3, grid_lot_multiplier: 2 };

  it('moves the take-profit of every position to the series level when the grid adds, and closes the series as one', () => {
    // Entry fills at 98.90 on bar 41 (TP 100.90); grid level 98.90 × 0.995 = 98.4055; bar 42 closes at 98.40 → grid
    // trade of 0.2 lots fills at 98.40 on bar 43; average (0.1·98.9 + 0.2·98.4)/0.3 = 98.5667 → TP 100.57 on both. Bar 46 reaches 100.60.
    const bars = spikeBars([98.6, 98.4, 99, 100, 100.5, 100.4], { highs: { 45: 100.55, 46: 100.6 } });
    const run = recordRun(goldBuyDip, GRID, { bars, instrument: XAU });
    const [series] = run.series;
    expect(series?.entries.map((e) => [e.decided, e.fill?.price, e.fill?.lots])).toEqual([[40, 98.9, 0.1], [42, 98.4, 0.2]]);
    expect(run.trades.map((t) => [t.exitReason, t.exitPrice, run.indexOf(t.exitTime)])).toEqual([['take_profit', 100.57, 46], ['take_profit', 100.57, 46]]);
  });

  it('take_profit_percent is a % of the lot-weighted average entry', () => {
    // TP = 98.5667 × 1.02 = 100.538 → 100.54.
    const bars = spikeBars([98.6, 98.4, 99, 100, 100.5, 100.4], { highs: { 45: 100.53, 46: 100.6 } });
    const run = recordRun(goldBuyDip, { ...GRID, take_profit_percent: 2 }, { bars, instrument: XAU });
    expect(run.trades.map((t) => [t.exitReason, t.exitPrice, run.indexOf(t.exitTime)])).toEqual([['take_profit', 100.54, 46], ['take_profit', 100.54, 46]]);
  });

  it('take_profit is in instrument points (200 points of gold = 2.00)', () => {
    const bars = spikeBars([99, 100, 100.8, 100.85], { highs: { 43: 100.89, 44: 100.9 } });
    const run = recordRun(goldBuyDip, SPIKE, { bars, instrument: XAU });
    expect(run.trades.map((t) => [t.exitReason, t.entryPrice, t.exitPrice, run.indexOf(t.exitTime)])).toEqual([['take_profit', 98.9, 100.9, 44]]);
  });

  it('adds at most max_grid_trades trades; grid lots: lot_size × grid_lot_multiplier, or × factor^n progressive', () => {
    const falling = Array.from({ length: 12 }, (_, k) => 98.9 * 0.994 ** (k + 1));
    const flat = recordRun(goldBuyDip, GRID, { bars: spikeBars(falling), instrument: XAU });
    expect(flat.series[0]?.entries.map((e) => e.fill?.lots)).toEqual([0.1, 0.2, 0.2]);
    const progressive = recordRun(goldBuyDip, { ...GRID, max_grid_trades: 4, use_progressive_lots: true, lot_progression_factor: 1.5 }, { bars: spikeBars(falling), instrument: XAU });
    // 0.1 × 1.5^n rounded down to 0.01: 0.1, 0.15, 0.22 (0.225), 0.33 (0.3375)
    expect(progressive.series[0]?.entries.map((e) => e.fill?.lots)).toEqual([0.1, 0.15, 0.22, 0.33]);
    expect(gridLevelMultiplier(resolved(goldBuyDip, { use_progressive_lots: true, lot_progression_factor: 1.5 }), 3)).toBeCloseTo(3.375, 12);
  });

  it('a grid trade needs a full spacing from the LAST entry: 0.5 % below it, not below the first', () => {
    // After the fill at 98.90 the level is 98.4055: 98.41 is not enough, 98.40 is.
    const near = recordRun(goldBuyDip, GRID, { bars: spikeBars([98.6, 98.41, 98.5]), instrument: XAU });
    expect(near.series[0]?.entries).toHaveLength(1);
    const through = recordRun(goldBuyDip, GRID, { bars: spikeBars([98.6, 98.405, 98.5]), instrument: XAU });
    expect(through.series[0]?.entries.map((e) => e.decided)).toEqual([40, 42]);
  });

  it('ATR spacing: ATR(atr_period) × grid_atr_multiplier of the last closed bar when the entry filled', () => {
    const bars = spikeBars([98.7, 98.2, 97.6, 97.0, 96.4, 95.8]);
    const atr = naiveAtrSeries(bars, 14);
    const run = recordRun(goldBuyDip, { ...SPIKE, use_grid_trading: true, grid_atr_multiplier: 1.5, max_grid_trades: 3 }, { bars, instrument: XAU });
    const entries = run.series[0]!.entries;
    for (let s = 1; s < entries.length; s++) {
      const prev = entries[s - 1]!;
      const level = prev.fill!.price - (atr[prev.filled! - 1] as number) * 1.5;
      expect(bars.close[entries[s]!.decided]).toBeLessThanOrEqual(level);
      for (let b = prev.filled!; b < entries[s]!.decided; b++) expect(bars.close[b]).toBeGreaterThan(level);
    }
    expect(entries.length).toBeGreaterThan(1);
  });

  it('without use_grid_trading a series is one trade', () => {
    const falling = Array.from({ length: 12 }, (_, k) => 98.9 * 0.994 ** (k + 1));
    expect(recordRun(goldBuyDip, { ...GRID, use_grid_trading: false }, { bars: spikeBars(falling), instrument: XAU }).series[0]?.entries).toHaveLength(1);
  });

  it('max_drawdown_percent: the series is closed when its floating loss reaches that % of the capital', () => {
    // Capital 1,000 × 1 % = 10 $; 0.1 lot of gold = 10 $ per 1 $: entry 98.90, close 97.95 → −9.5 $, 97.85 → −10.5 $.
    const bars = spikeBars([98.5, 97.95, 97.85, 97.8, 97.7]);
    const run = recordRun(goldBuyDip, { ...SPIKE, max_drawdown_percent: 1 }, { bars, instrument: XAU, capital: 1_000 });
    expect(run.closeOrders.map((o) => [run.indexOf(o.decidedAt), o.exitReason])).toEqual([[43, 'max_drawdown']]);
    expect(run.trades.map((t) => [t.exitReason, t.exitPrice, run.indexOf(t.exitTime)])).toEqual([['max_drawdown', 97.85, 44]]);
    // With 2 % the same path never gets there.
    expect(recordRun(goldBuyDip, { ...SPIKE, max_drawdown_percent: 2 }, { bars, instrument: XAU, capital: 1_000 }).trades[0]?.exitReason).toBe('end_of_data');
  });

  it('after a series closes, a new one needs a setup on or after the bar it closed', () => {
    // Lookback 3: bar 40's spike makes bars 40–42 setups. Entry on 40 (fill 98.90, TP 100.90), TP hit on bar 43.
    // Bar 44: z ≈ −1.7 ≤ −1.5 and the setups of bars 41–42 are inside the 10-bar wait window — but they happened
    // while the series was open, and bar 44 itself is only 1.7 % under the 3-bar high: no entry. Bar 46 is a fresh
    // setup (4 % under the high) with z extreme: entry.
    const bars = spikeBars([99.5, 100.0, 100.95, 99.3, 99.4, 97.0, 97.1]);
    const config = { ...SPIKE, lookback_candles: 3, zscore_threshold_buy: -1.5 };
    expect(naiveZScore(bars.close, 44, 20)).toBeLessThan(-1.5);
    const run = recordRun(goldBuyDip, config, { bars, instrument: XAU });
    expect(run.series[0]?.exits.map((t) => [t.exitReason, run.indexOf(t.exitTime)])).toEqual([['take_profit', 43]]);
    expect(run.series.map((s) => s.entries[0]?.decided)).toEqual([40, 46]);
  });
});

describe('gold_buy_dip risk_per_trade', () => {
  it('sizes the first trade so a move of max_grid_trades spacings against the full grid loses risk_per_trade % of capital', () => {
    // 10,000 × 1 % = 100 $; gold: 100 $ per 1 $ per lot; spacing 1.00 $. Five equal trades → weights 5+4+3+2+1 = 15.
    const flat = resolved(goldBuyDip, { risk_per_trade: 1, max_grid_trades: 5 });
    expect(riskSizedLots(flat, XAU, 10_000, 200, 1)).toBeCloseTo(100 / (100 * 15), 12);
    // Progressive 1.5, 3 trades: 3·1 + 2·1.5 + 1·2.25 = 8.25.
    const prog = resolved(goldBuyDip, { risk_per_trade: 1, max_grid_trades: 3, use_progressive_lots: true });
    expect(riskSizedLots(prog, XAU, 10_000, 200, 1)).toBeCloseTo(100 / (100 * 8.25), 12);
    // No grid: one trade, one spacing.
    expect(riskSizedLots(resolved(goldBuyDip, { risk_per_trade: 1, use_grid_trading: false }), XAU, 10_000, 200, 1)).toBeCloseTo(1, 12);
    // USDJPY: 100,000 units per lot, 1 yen is 1/price dollars.
    expect(riskSizedLots(resolved(goldBuyDip, { risk_per_trade: 1, use_grid_trading: false }), instrument('USDJPY'), 10_000, 110, 0.5)).toBeCloseTo(100 / (0.5 * 100_000 / 110), 12);
  });

  it('the rounded lots never lose more than the risk over max_grid_trades spacings', () => {
    for (const raw of [{}, { use_progressive_lots: true }, { grid_lot_multiplier: 2.5, max_grid_trades: 7 }, { use_grid_trading: false }]) {
      const config = resolved(goldBuyDip, { risk_per_trade: 2, ...raw });
      const spacing = 3.7;
      const base = floorLots(XAU, riskSizedLots(config, XAU, 25_000, 2400, spacing));
      const n = config.use_grid_trading ? num(config, 'max_grid_trades') : 1;
      let loss = 0;
      for (let k = 0; k < n; k++) loss += (n - k) * spacing * normalizeLots(XAU, base * gridLevelMultiplier(config, k)) * XAU.contractSize;
      expect(loss).toBeLessThanOrEqual(500 + 1e-9);
      expect(loss).toBeGreaterThan(500 * 0.8);
    }
  });

  it('the first trade of a backtest gets the risk-sized lots (percent spacing of the decision close)', () => {
    const run = recordRun(goldBuyDip, { ...SPIKE, use_grid_trading: true, grid_spacing_percent: 0.5, risk_per_trade: 1 }, { bars: spikeBars(), instrument: XAU });
    const config = resolved(goldBuyDip, { ...SPIKE, use_grid_trading: true, grid_spacing_percent: 0.5, risk_per_trade: 1 });
    // Spacing 98.9 × 0.5 % = 0.4945; 100 $ / (0.4945 × 100 × 15) = 0.1348 → 0.13 lots.
    expect(floorLots(XAU, riskSizedLots(config, XAU, 10_000, 98.9, 0.4945))).toBe(0.13);
    expect(entriesOf(run)[0]?.fill?.lots).toBe(0.13);
  });
});

describe('gold_buy_dip indicators, magic, restarts', () => {
  function snapshotting(inner: Strategy, snaps: Record<number, Record<string, number | null>>): Strategy {
    return {
      onBar: (b, i, ctx) => {
        inner.onBar(b, i, ctx);
        snaps[i] = inner.indicators!();
      },
      onFilled: (f, ctx) => inner.onFilled?.(f, ctx),
      onClosed: (t, ctx) => inner.onClosed?.(t, ctx),
    };
  }

  it('indicators(): zscore, lookback high/low, ATR, series TP and next grid level for charts', () => {
    const bars = spikeBars([98.7, 98.6]);
    const snaps: Record<number, Record<string, number | null>> = {};
    const config = resolved(goldBuyDip, { ...SPIKE, use_grid_trading: true });
    backtestStrategy({ bars, instrument: XAU, capital: 10_000, strategy: snapshotting(goldBuyDip.create(config, XAU), snaps) });
    expect(snaps[5]).toEqual({ zscore: null, lookback_high: null, lookback_low: null, atr: null, series_tp: null, next_grid_level: null });
    const atr = naiveAtrSeries(bars, 14);
    const at = snaps[41]!;
    expect(at.zscore).toBeCloseTo(naiveZScore(bars.close, 41, 20) as number, 9);
    expect(at.lookback_high).toBe(naiveHighest(bars.high, 41, 20));
    expect(at.lookback_low).toBe(naiveLowest(bars.low, 41, 20));
    expect(at.atr).toBeCloseTo(atr[41] as number, 9);
    // Filled at 98.90 on bar 41: TP 100.90; grid level 98.90 − ATR(bar 40).
    expect(at.series_tp).toBe(100.9);
    expect(at.next_grid_level).toBeCloseTo(98.9 - (atr[40] as number), 9);
  });

  it('every order carries the magic_number: the task passes config.magic_number to its runner', () => {
    const run = recordRun(goldBuyDip, { ...SPIKE, magic_number: 777 }, { bars: spikeBars([98.5, 97.95, 97.85]), instrument: XAU });
    expect(run.trades.length).toBeGreaterThan(0);
    for (const e of run.events) if (e.type === 'OrderSubmitted') expect(e.order.magic).toBe(777);
    for (const t of run.trades) expect(t.magic).toBe(777);
  });

  it('warm-up bars before the first traded bar (a backtest from a later bar) warm the indicators', () => {
    const bars = spikeBars();
    const config = resolved(goldBuyDip, SPIKE);
    const full: Record<number, Record<string, number | null>> = {};
    const late: Record<number, Record<string, number | null>> = {};
    backtestStrategy({ bars, instrument: XAU, capital: 10_000, strategy: snapshotting(goldBuyDip.create(config, XAU), full) });
    const { closedTrades: trades } = backtestStrategy({ bars, instrument: XAU, capital: 10_000, from: 40, strategy: snapshotting(goldBuyDip.create(config, XAU), late) });
    expect(late[40]).toEqual(full[40]);
    expect(trades).toHaveLength(1);
  });

  it('takes over positions restored after a restart as its series (series TP set on all of them)', () => {
    const strategy = goldBuyDip.create(resolved(goldBuyDip, SPIKE), XAU);
    const ctx = new FakeContext(XAU);
    const pos = (id: string, lots: number, price: number): Position => ({
      id, taskId: 'fake', symbol: 'XAUUSD', side: 'BUY', lots, entryPrice: price, entryTime: 0, takeProfit: null, stopLoss: null, magic: 1, clientOrderId: id, commission: 0,
    });
    ctx.positions = [pos('a', 0.1, 2000), pos('b', 0.3, 1990)];
    strategy.onBar(spikeBars(), 0, ctx);
    // Average 1992.50 + 2.00
    expect(ctx.protections).toEqual([{ positionId: 'a', takeProfit: 1994.5, stopLoss: null }, { positionId: 'b', takeProfit: 1994.5, stopLoss: null }]);
    expect(ctx.orders).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real data: every entry, grid trade and exit re-derived with plain loops
// ---------------------------------------------------------------------------------------------------------------

interface Checked {
  series: number;
  entries: number;
  trades: number;
}

/**
 * Runs gold_buy_dip on real bars and re-checks every rule with naive window computations: the first entry of each
 * series had a setup within the wait window (and none earlier while flat), z confirmed it, it filled at the next
 * open with the right lots; each grid trade came on the first close through the level measured from the last
 * fill; the series TP was the lot-weighted level at every stage and never touched before the exit; max_drawdown fired
 * on the first close at or beyond the limit and never otherwise.
 */
function verifyOnRealData(bars: BarsView, inst: Instrument, raw: Record<string, unknown>, capital = 10_000): Checked {
  const config: ResolvedConfig = resolved(goldBuyDip, raw);
  const run = recordRun(goldBuyDip, raw, { bars, instrument: inst, capital });
  const n = bars.length;
  const c = {
    thr: num(config, 'percentage_threshold'), look: num(config, 'lookback_candles'), wait: num(config, 'zscore_wait_candles'),
    zBuy: num(config, 'zscore_threshold_buy'), zSell: num(config, 'zscore_threshold_sell'), zP: num(config, 'zscore_period'),
    maxGrid: num(config, 'max_grid_trades'), gp: num(config, 'grid_percent'), atrMult: num(config, 'grid_atr_multiplier'),
    maxDd: num(config, 'max_drawdown_percent'), risk: num(config, 'risk_per_trade'), lot: num(config, 'lot_size'),
  };
  const useGrid = config.use_grid_trading === true;
  const useGridPercent = config.use_grid_percent === true;
  const needsAtr = !useGridPercent && (useGrid || c.risk > 0);
  const atr = naiveAtrSeries(bars, num(config, 'atr_period'));
  const close = bars.close;
  const buySetup: boolean[] = [];
  const sellSetup: boolean[] = [];
  const z: (number | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const hh = naiveHighest(bars.high, i, c.look);
    const ll = naiveLowest(bars.low, i, c.look);
    buySetup.push(hh !== undefined && ((hh - close[i]!) / hh) * 100 >= c.thr);
    sellSetup.push(ll !== undefined && ((close[i]! - ll) / ll) * 100 >= c.thr);
    z.push(naiveZScore(close, i, c.zP));
  }
  const EPS = 1e-9;
  /** 'BUY' | 'SELL' | null for an entry decision on bar i while flat since `flatStart`; 'ambiguous' on a z tie. */
  const decision = (i: number, flatStart: number): 'BUY' | 'SELL' | null | 'ambiguous' => {
    const zi = z[i];
    if (zi === undefined || (needsAtr && atr[i] === undefined)) return null;
    const from = Math.max(i - c.wait, flatStart);
    let buy = false;
    let sell = false;
    for (let j = from; j <= i; j++) {
      buy ||= buySetup[j]!;
      sell ||= sellSetup[j]!;
    }
    if ((buy && Math.abs(zi - c.zBuy) < EPS) || (sell && Math.abs(zi - c.zSell) < EPS)) return 'ambiguous';
    if (buy && zi <= c.zBuy) return 'BUY';
    if (sell && zi >= c.zSell) return 'SELL';
    return null;
  };
  const spacingAt = (price: number, atrBar: number) => (useGridPercent ? (price * c.gp) / 100 : (atr[atrBar] as number) * c.atrMult);
  const tpFor = (avg: number, dir: number) => {
    const d = config.use_take_profit_percent ? (avg * num(config, 'take_profit_percent')) / 100 : num(config, 'take_profit') * inst.point;
    return Number((avg + dir * d).toFixed(inst.digits));
  };
  const denied = new Set(run.events.flatMap((e) => (e.type === 'OrderDenied' ? [run.indexOf(e.time)] : [])));
  const limit = (capital * c.maxDd) / 100;

  let flatStart = 0;
  let entries = 0;
  const assertFlatUntil = (end: number) => {
    for (let b = flatStart; b < end; b++) {
      const d = decision(b, flatStart);
      if (d === 'ambiguous') continue;
      if (d !== null && denied.has(b)) {
        flatStart = b + 1; // a denied entry uses its setup up
        continue;
      }
      if (d !== null) expect.fail(`no entry possible on flat bar ${b}, got ${d}`);
    }
  };

  for (const s of run.series) {
    const dir = s.side === 'BUY' ? 1 : -1;
    const first = s.entries[0]!;
    assertFlatUntil(first.decided);
    const d = decision(first.decided, flatStart);
    if (d !== 'ambiguous') expect(d, `entry on bar ${first.decided}`).toBe(s.side);
    expect(first.decided - Math.max(flatStart, 0)).toBeGreaterThanOrEqual(0);

    // Fills at the next bar's open; lots: lot_size or risk-sized; grid lots from the series' base.
    const base = c.risk > 0
      ? floorLots(inst, riskSizedLots(config, inst, capital, close[first.decided]!, spacingAt(close[first.decided]!, first.decided)))
      : c.lot;
    s.entries.forEach((e, k) => {
      if (!e.fill) return;
      entries++;
      expect(e.filled).toBe(e.decided + 1);
      expect(e.fill.price).toBe(bars.open[e.decided + 1]);
      expect(e.fill.side).toBe(s.side);
      expect(e.fill.lots).toBe(normalizeLots(inst, base * gridLevelMultiplier(config, k)));
    });
    expect(s.entries.length).toBeLessThanOrEqual(useGrid ? c.maxGrid : 1);

    const filled = s.entries.filter((e) => e.fill);
    const exitIndex = s.exitIndex ?? n - 1;
    const reasons = new Set(s.exits.map((t) => t.exitReason));
    expect(reasons.size).toBe(1);
    const reason = s.exits[0]!.exitReason;
    expect(['take_profit', 'max_drawdown', 'end_of_data']).toContain(reason);
    expect(new Set(s.exits.map((t) => t.exitTime)).size).toBe(1);
    expect(s.exits.every((t) => t.magic === config.magic_number)).toBe(true);

    // Series take-profit at every stage: lot-weighted average of the fills so far, never touched before the exit.
    let lots = 0;
    let weighted = 0;
    let tp = 0;
    filled.forEach((e, k) => {
      lots += e.fill!.lots;
      weighted += e.fill!.lots * e.fill!.price;
      tp = tpFor(weighted / lots, dir);
      const stageEnd = k + 1 < filled.length ? filled[k + 1]!.filled! : exitIndex;
      for (let b = e.filled!; b < stageEnd; b++) {
        if (dir === 1 ? !(bars.high[b]! < tp) : !(bars.low[b]! > tp)) expect.fail(`TP ${tp} touched on bar ${b} before the exit`);
      }
    });
    if (reason === 'take_profit') {
      const open = bars.open[exitIndex]!;
      const gapped = dir === 1 ? open >= tp : open <= tp;
      for (const t of s.exits) expect(t.exitPrice).toBe(gapped ? open : tp);
      expect(s.exits.length).toBe(filled.length);
    }

    // Grid: each trade on the first close through the level measured from the previous fill.
    const levelAfter = (e: (typeof filled)[number]) => e.fill!.price - dir * spacingAt(e.fill!.price, e.filled! - 1);
    const through = (b: number, level: number) => (dir === 1 ? close[b]! <= level : close[b]! >= level);
    const nearly = (b: number, level: number) => Math.abs(close[b]! - level) < 1e-7;
    for (let k = 1; k < s.entries.length; k++) {
      const level = levelAfter(s.entries[k - 1]!);
      const at = s.entries[k]!.decided;
      if (!nearly(at, level)) expect(through(at, level), `grid trade on bar ${at}`).toBe(true);
      for (let b = s.entries[k - 1]!.filled!; b < at; b++) if (!nearly(b, level) && through(b, level)) expect.fail(`grid trade due on bar ${b}, came on ${at}`);
    }

    // Drawdown: floating loss of the open positions at each close.
    const floating = (b: number) => filled.reduce((sum, e) => (e.filled! <= b ? sum + (close[b]! - e.fill!.price) * dir * e.fill!.lots * inst.contractSize : sum), 0);
    const closeDecision = reason === 'max_drawdown' ? exitIndex - 1 : exitIndex;
    for (let b = first.filled!; b < closeDecision; b++) {
      const f = floating(b);
      if (Math.abs(f + limit) > 1e-6 && !(-f < limit)) expect.fail(`drawdown ${-f} reached the limit on bar ${b} without a close`);
    }
    if (reason === 'max_drawdown') {
      expect(-floating(closeDecision)).toBeGreaterThanOrEqual(limit - 1e-6);
      for (const t of s.exits) expect(t.exitPrice).toBe(bars.open[exitIndex]);
    }

    // No further grid trade was due before the series ended (if it had room and everything filled).
    if (useGrid && s.entries.length < c.maxGrid && s.entries.every((e) => e.fill)) {
      const last = s.entries[s.entries.length - 1]!;
      const level = levelAfter(last);
      const end = reason === 'take_profit' ? exitIndex : reason === 'max_drawdown' ? closeDecision : n;
      for (let b = last.filled!; b < end; b++) if (!nearly(b, level) && through(b, level)) expect.fail(`grid trade due on bar ${b} was not sent`);
    }
    flatStart = exitIndex;
  }
  if (run.series.every((s) => s.exitIndex !== undefined)) assertFlatUntil(n - 1);
  return { series: run.series.length, entries, trades: run.trades.length };
}

describe('gold_buy_dip on real XAUUSD data, every trade re-checked with plain loops', () => {
  let m1: BarsView;
  let h1: BarsView;
  const totals: Checked = { series: 0, entries: 0, trades: 0 };
  beforeAll(() => {
    m1 = loadCandles('XAUUSD_M1_2024-08-01_2024-10-11.csv.gz');
    h1 = loadCandles('XAUUSD_H1_2018-04-01_2020-12-31.csv.gz');
  });
  const add = (c: Checked) => {
    totals.series += c.series;
    totals.entries += c.entries;
    totals.trades += c.trades;
    expect(c.series).toBeGreaterThan(10);
  };

  it('spec example "aggressive scalping" (1M, ATR grid, % take-profit)', () => {
    add(verifyOnRealData(m1, XAU, { lot_size: 0.01, percentage_threshold: 0.1, zscore_threshold_buy: -1.0, zscore_threshold_sell: 1.0, lookback_candles: 20, zscore_period: 10, take_profit_percent: 0.2, max_drawdown_percent: 50.0 }));
  });

  it('spec example 2: 8 grid trades with progressive lots 1.3', () => {
    add(verifyOnRealData(m1, XAU, { lot_size: 0.02, percentage_threshold: 0.1, zscore_threshold_buy: -1.0, take_profit_percent: 0.2, max_grid_trades: 8, use_progressive_lots: true, lot_progression_factor: 1.3 }));
  });

  it('percent grid, points take-profit, tight max drawdown (many force-closes)', () => {
    add(verifyOnRealData(m1, XAU, { percentage_threshold: 0.3, zscore_threshold_buy: -2, zscore_threshold_sell: 2, grid_spacing_percent: 0.1, max_drawdown_percent: 5, grid_lot_multiplier: 1.5 }));
  });

  it('no grid', () => {
    add(verifyOnRealData(m1, XAU, { percentage_threshold: 0.1, zscore_threshold_buy: -1, zscore_threshold_sell: 1, lookback_candles: 20, zscore_period: 10, use_grid_trading: false, zscore_wait_candles: 3 }));
  });

  it('risk_per_trade sizing with ATR spacing', () => {
    add(verifyOnRealData(m1, XAU, { percentage_threshold: 0.2, zscore_threshold_buy: -1.5, zscore_threshold_sell: 1.5, risk_per_trade: 1 }));
  });

  it('the spec defaults on H1 (2018–2020)', () => {
    add(verifyOnRealData(h1, XAU, {}, 100_000));
  });

  it('no look-ahead: cutting the data after bar k changes no decision made up to bar k', () => {
    const raw = { percentage_threshold: 0.1, zscore_threshold_buy: -1, zscore_threshold_sell: 1, lookback_candles: 20, zscore_period: 10, take_profit_percent: 0.2 };
    const decisions = (bars: BarsView, upTo: number) =>
      recordRun(goldBuyDip, raw, { bars, instrument: XAU }).events.flatMap((e) =>
        e.type === 'OrderSubmitted' && e.order.exitReason !== 'end_of_data' && e.order.decidedAt <= (bars.time[upTo] as number) ? [e.order] : [],
      );
    const all = decisions(m1, m1.length - 1);
    for (const k of [5_000, 20_000, 40_000]) {
      const cut: BarsView = { ...m1, length: k + 1 };
      const before = decisions(cut, k - 1);
      expect(before.length).toBeGreaterThan(0);
      expect(before).toEqual(all.filter((o) => o.decidedAt <= (m1.time[k - 1] as number)));
    }
  });

  it('checked a meaningful number of trades', () => {
    // Printed for the record; the per-config checks above assert each rule on every one of them.
    console.log(`gold_buy_dip real-data checks: ${totals.series} series, ${totals.entries} entries, ${totals.trades} closed trades`);
    expect(totals.entries).toBeGreaterThan(500);
  });
});

describeWithSharedData('gold_buy_dip on the whole XAUUSD H1 file (long real-data check)', ['XAUUSD_H1_2018-04_2026-05.csv'], () => {
  it('the spec defaults on H1 (2018–2026), every trade re-checked', () => {
    expect(verifyOnRealData(loadCandles('XAUUSD_H1_2018-04_2026-05.csv'), XAU, {}, 100_000).series).toBeGreaterThan(10);
  });
});
