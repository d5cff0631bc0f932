import { describe, expect, it } from 'vitest';
import { runSleeve, type TradeRecord } from '../../src/core/backtest/engine';
import { builtinInstrument, type Instrument } from '../../src/core/domain/instruments';
import { DEFAULT_ORDER_POLICY, type OrderPolicySettings } from '../../src/core/engine/order-policy';
import { DEFAULT_EXECUTION_MODEL, type ExecutionModel } from '../../src/core/engine/simulated-exchange';
import { ConfluenceIndicators, conditionsFor, confidenceOf, confluence, confluenceParams } from '../../src/core/strategies/confluence';
import { goldBuyDip } from '../../src/core/strategies/gold-buy-dip';
import { SimpleMovingAverage } from '../../src/core/indicators/simple-moving-average';
import { resolveConfig } from '../../src/core/strategies/params';
import { simpleMa } from '../../src/core/strategies/simple-ma';
import { roundPrice } from '../../src/core/strategies/sizing';
import { loadCandles, type CandleColumns } from '../kit/candles';
import { describeWithSharedData } from '../kit/long-check';

/**
 * Backtests on the real sample data (gold M1, EURUSD M1, BTCUSDT H1, GOOG daily: fixtures from test/fixtures/candles), every trade checked rule by rule
 * against an independent re-derivation of the strategy's decisions from the bars (plain loops, no engine):
 * - simple_ma: strict SMA crossovers from exact integer window sums → the exact list of trades (side, bars, prices, P&L);
 * - confluence: each entry at a bar whose leading confidence ≥ min_confidence and no such bar missed while flat,
 *   stop/target at fill ∓/± multiplier × ATR, exits where the bar range first reaches them;
 * - gold_buy_dip: take-profit exits at the series level, every series closed as one.
 */

const DATASETS = {
  gold: { file: 'XAUUSD_M1_2024-08-01_2024-10-11.csv.gz', symbol: 'XAUUSD' },
  eurusd: { file: 'EURUSD_M1_2020-04-27_2020-05-22.csv.gz', symbol: 'EURUSD' },
  btc: { file: 'BTCUSDT_H1_2018-11-01_2021-11-30.csv.gz', symbol: 'BTCUSDT' },
  goog: { file: 'GOOG_D1_2004-08-19_2013-03-01.csv.gz', symbol: 'GOOG' },
  // The whole shared files the two cuts above come from, for the long real-data checks.
  eurusdWhole: { file: 'EURUSD_M1_2020-04_2020-06.csv', symbol: 'EURUSD' },
  btcWhole: { file: 'BTCUSDT_H1_2017-08_2022-10.csv', symbol: 'BTCUSDT' },
} as const;

const cache = new Map<string, CandleColumns>();
function data(name: keyof typeof DATASETS): { bars: CandleColumns; instrument: Instrument } {
  const { file, symbol } = DATASETS[name];
  if (!cache.has(file)) cache.set(file, loadCandles(file));
  return { bars: cache.get(file) as CandleColumns, instrument: builtinInstrument(symbol) as Instrument };
}

function backtest(
  name: keyof typeof DATASETS,
  definition: typeof simpleMa,
  params: Record<string, number | boolean>,
  model: Partial<ExecutionModel> = {},
  policy: Partial<OrderPolicySettings> = {},
) {
  const { bars, instrument } = data(name);
  const config = resolveConfig(definition, params).config;
  return runSleeve(bars, {
    instrument, definition, config, capital: 100_000,
    model: { ...DEFAULT_EXECUTION_MODEL, ...model }, policy: { ...DEFAULT_ORDER_POLICY, ...policy },
    warmFrom: 0, from: 0, to: bars.length,
  });
}

/**
 * The sign of SMA(fast) − SMA(slow) at every bar, in EXACT arithmetic: prices scaled to integers (they have at most
 * `digits` decimals), window sums of integers, compared as fastSum × slow vs slowSum × fast. Where the two averages
 * are exactly equal (a tie), the floating-point averages of any implementation land on either side by their last
 * bit; there the reference takes the sign the engine's own SMA gives, and the test checks that this is the only
 * place where the engine's reading may differ from exact arithmetic.
 */
function crossSigns(bars: CandleColumns, fast: number, slow: number, digits: number): Float64Array {
  const scale = 10 ** digits;
  const ints = Array.from(bars.close, (c) => {
    const v = Math.round(c * scale);
    if (Math.abs(v / scale - c) > 1e-9 * Math.max(1, Math.abs(c))) throw new Error(`${c} has more than ${digits} decimals`);
    return v;
  });
  const a = new SimpleMovingAverage(fast);
  const b = new SimpleMovingAverage(slow);
  const out = new Float64Array(bars.length).fill(Number.NaN);
  let fs = 0;
  let ss = 0;
  let ties = 0;
  let disagreements = 0;
  for (let i = 0; i < bars.length; i++) {
    fs += ints[i] as number;
    if (i >= fast) fs -= ints[i - fast] as number;
    ss += ints[i] as number;
    if (i >= slow) ss -= ints[i - slow] as number;
    const fa = a.update(bars.close[i] as number);
    const sb = b.update(bars.close[i] as number);
    if (i < slow - 1 || fa === undefined || sb === undefined) continue;
    const exact = Math.sign(fs * slow - ss * fast);
    const engine = Math.sign(fa - sb);
    if (exact === 0) ties++;
    else if (engine !== exact) disagreements++;
    out[i] = exact === 0 ? engine : exact;
  }
  expect(disagreements, 'the engine SMA disagrees with exact arithmetic away from a tie').toBe(0);
  expect(ties).toBeLessThan(50);
  return out;
}

interface Expected {
  side: 'BUY' | 'SELL';
  entryBar: number;
  exitBar: number;
  /** Closed at the last bar's close (the run's close-out) rather than at a bar's open. */
  exitAtClose: boolean;
  exitReason: 'signal' | 'end_of_data';
}

/** simple_ma's rules without TP/SL, re-derived: strict crossovers, reverse on the opposite one, fills at the next open. */
function expectedCrossTrades(bars: CandleColumns, fast: number, slow: number, longOnly: boolean, digits: number): Expected[] {
  const signs = crossSigns(bars, fast, slow, digits);
  const sign = (i: number) => signs[i] as number;
  const n = bars.length;
  const out: Expected[] = [];
  let open: Expected | undefined;
  for (let i = 1; i < n; i++) {
    const dir = sign(i - 1) === -1 && sign(i) === 1 ? 1 : sign(i - 1) === 1 && sign(i) === -1 ? -1 : 0;
    if (dir === 0) continue;
    const side = dir === 1 ? 'BUY' : 'SELL';
    if (open?.side === side) continue;
    const fillBar = i + 1 < n ? i + 1 : -1;
    if (open) {
      // The close fills at the next open; decided on the last bar, it fills at the last close.
      open.exitBar = fillBar === -1 ? n - 1 : fillBar;
      open.exitAtClose = fillBar === -1;
      out.push(open);
      open = undefined;
    }
    if (fillBar !== -1 && !(longOnly && side === 'SELL')) open = { side, entryBar: fillBar, exitBar: -1, exitAtClose: false, exitReason: 'signal' };
  }
  if (open) out.push({ ...open, exitBar: n - 1, exitAtClose: true, exitReason: 'end_of_data' });
  return out;
}

function checkCrossTrades(name: keyof typeof DATASETS, fast: number, slow: number, lots: number, model: Partial<ExecutionModel>, longOnly = false) {
  const { bars, instrument } = data(name);
  const result = backtest(name, simpleMa, { fast_period: fast, slow_period: slow, take_profit_pips: 0, stop_loss_pips: 0, lot_size: lots }, model, longOnly ? { direction: 'long_only' } : {});
  const expected = expectedCrossTrades(bars, fast, slow, longOnly, instrument.digits);
  const spread = (model.spreadPoints ?? 0) * instrument.point;
  const slip = (model.slippagePoints ?? 0) * instrument.point;
  const pct = (model.commissionPct ?? 0) / 100;
  expect(result.trades.length).toBe(expected.length);
  expect(expected.length).toBeGreaterThan(20);
  result.trades.forEach((t, k) => {
    const e = expected[k] as Expected;
    const where = `${name} trade ${k + 1}`;
    expect(t.side, where).toBe(e.side);
    expect(t.entryTime, where).toBe(bars.time[e.entryBar]);
    expect(t.exitTime, where).toBe(bars.time[e.exitBar]);
    expect(t.exitReason, where).toBe(e.exitReason);
    const long = e.side === 'BUY';
    // Bid quotes: a BUY opens at the ask (+ spread) and closes at the bid; slippage against the trader on both.
    const entryBid = bars.open[e.entryBar] as number;
    const exitBid = (e.exitAtClose ? bars.close[e.exitBar] : bars.open[e.exitBar]) as number;
    const entry = long ? entryBid + spread + slip : entryBid - slip;
    const exit = long ? exitBid - slip : exitBid + spread + slip;
    expect(t.entryPrice, where).toBeCloseTo(entry, 9);
    expect(t.exitPrice, where).toBeCloseTo(exit, 9);
    const units = t.lots * instrument.contractSize;
    const rate = (price: number) => (instrument.quoteCurrency === 'USD' || instrument.quoteCurrency === 'USDT' ? 1 : 1 / price);
    const gross = (exit - entry) * (long ? 1 : -1) * units * rate(exit);
    const commission = pct * units * (entry * rate(entry) + exit * rate(exit));
    expect(t.lots, where).toBe(lots);
    expect(t.pnl, where).toBeCloseTo(gross - commission, 6);
  });
  return result;
}

describe('simple_ma on real data, trade by trade', () => {
  it('gold M1 (69k bars), SMA 20/80, 0.1 lot, spread 20 points, slippage 5, commission 0.002 %', () => {
    checkCrossTrades('gold', 20, 80, 0.1, { spreadPoints: 20, slippagePoints: 5, commissionPct: 0.002 });
  });

  it('EURUSD M1 (28k bars), SMA 30/120, 1 lot, spread 8 points, long-only', () => {
    checkCrossTrades('eurusd', 30, 120, 1, { spreadPoints: 8 }, true);
  });

  it('BTCUSDT H1 (27k bars), SMA 24/96, 0.5 BTC, commission 0.1 %, fills at the next open', () => {
    checkCrossTrades('btc', 24, 96, 0.5, { commissionPct: 0.1 });
  });

  it('GOOG daily, SMA 10/20 (the classic SmaCross), 10 shares', () => {
    const r = checkCrossTrades('goog', 10, 20, 10, {});
    expect(r.exposedBars / r.tradedBars).toBeGreaterThan(0.9);
  });
});

describeWithSharedData('simple_ma on the whole shared files, trade by trade (long real-data check)', [DATASETS.eurusdWhole.file, DATASETS.btcWhole.file], () => {
  it('EURUSD M1 (50k bars), SMA 30/120, 1 lot, spread 8 points, long-only', () => {
    checkCrossTrades('eurusdWhole', 30, 120, 1, { spreadPoints: 8 }, true);
  });

  it('BTCUSDT H1 (45k bars), SMA 24/96, 0.5 BTC, commission 0.1 %, fills at the next open', () => {
    checkCrossTrades('btcWhole', 24, 96, 0.5, { commissionPct: 0.1 });
  });
});

/** Where the position's TP/SL is first reached after its entry fill (the exchange's rules: stop first, gaps at the open). */
function firstProtectionHit(bars: CandleColumns, t: TradeRecord, spread: number): { bar: number; reason: 'take_profit' | 'stop_loss'; price: number } | undefined {
  const long = t.side === 'BUY';
  const shift = long ? 0 : spread;
  const start = bars.time.indexOf(t.entryTime);
  for (let i = start; i < bars.length; i++) {
    const o = (bars.open[i] as number) + shift;
    const h = (bars.high[i] as number) + shift;
    const l = (bars.low[i] as number) + shift;
    const sl = t.stopLoss as number;
    const tp = t.takeProfit as number;
    // On the entry bar the open is the fill itself: only the range after it counts.
    if (i !== start && (long ? o <= sl : o >= sl)) return { bar: i, reason: 'stop_loss', price: o };
    if (i !== start && (long ? o >= tp : o <= tp)) return { bar: i, reason: 'take_profit', price: o };
    if (long ? l <= sl : h >= sl) return { bar: i, reason: 'stop_loss', price: sl };
    if (long ? h >= tp : l <= tp) return { bar: i, reason: 'take_profit', price: tp };
  }
  return undefined;
}

describe('confluence on real data, rule by rule', () => {
  const cases: { name: keyof typeof DATASETS; params: Record<string, number> }[] = [
    { name: 'btc' as const, params: { min_confidence: 0.73 } },
    { name: 'gold' as const, params: { min_confidence: 0.76, sl_atr_multiplier: 2, tp_atr_multiplier: 3 } },
  ];
  for (const { name, params } of cases) {
    it(`${DATASETS[name].file}: entries, stops, targets and exits`, () => {
      const { bars, instrument } = data(name);
      const result = backtest(name, confluence, params);
      const p = confluenceParams(resolveConfig(confluence, params).config);
      expect(result.trades.length).toBeGreaterThan(30);

      // Independent indicator state, bar by bar.
      const indicators = new ConfluenceIndicators();
      const snapshots = Array.from({ length: bars.length }, (_, i) => indicators.update(bars, i));
      const leading = (i: number) => {
        const s = snapshots[i];
        if (!s) return undefined;
        const long = confidenceOf(conditionsFor('LONG', s, p));
        const short = confidenceOf(conditionsFor('SHORT', s, p));
        return long >= short ? { side: 'BUY' as const, confidence: long, atr: s.atr } : { side: 'SELL' as const, confidence: short, atr: s.atr };
      };

      let flatFrom = 0; // first bar on which the strategy was flat with nothing in flight
      for (const t of result.trades) {
        const entryBar = bars.time.indexOf(t.entryTime);
        const decision = entryBar - 1;
        const lead = leading(decision);
        expect(lead, `decision bar ${decision}`).toBeDefined();
        expect(lead!.side).toBe(t.side);
        expect(lead!.confidence).toBeGreaterThanOrEqual(p.minConfidence - 1e-12);
        expect(t.confidence).toBe(lead!.confidence);
        // No qualifying bar was skipped while flat.
        for (let i = flatFrom; i < decision; i++) {
          const l = leading(i);
          if (l) expect(l.confidence < p.minConfidence - 1e-12, `missed signal at bar ${i}`).toBe(true);
        }
        // Stop and target from the fill with the decision bar's ATR.
        const dir = t.side === 'BUY' ? 1 : -1;
        expect(t.stopLoss).toBe(roundPrice(instrument, t.entryPrice - dir * p.slAtr * lead!.atr));
        expect(t.takeProfit).toBe(roundPrice(instrument, t.entryPrice + dir * p.tpAtr * lead!.atr));
        expect(t.entryPrice).toBe(bars.open[entryBar]);
        // Exit: where the range first reaches a level, else the end of the data.
        const hit = firstProtectionHit(bars, t, 0);
        if (hit) {
          expect(t.exitReason).toBe(hit.reason);
          expect(t.exitTime).toBe(bars.time[hit.bar]);
          expect(t.exitPrice).toBeCloseTo(hit.price, 9);
        } else {
          expect(t.exitReason).toBe('end_of_data');
        }
        flatFrom = bars.time.indexOf(t.exitTime);
      }
    });
  }
});

describe('gold_buy_dip on real data', () => {
  it('gold M1: every series closes as one at its take-profit level (or is force-closed / ends with the data)', () => {
    const { bars } = data('gold');
    const result = backtest('gold', goldBuyDip, { lot_size: 0.1, percentage_threshold: 0.3, zscore_threshold_buy: -2, zscore_threshold_sell: 2, take_profit_percent: 0.2, grid_spacing_percent: 0.3, max_grid_trades: 3 });
    expect(result.trades.length).toBeGreaterThan(10);
    const byExit = new Map<number, TradeRecord[]>();
    for (const t of result.trades) byExit.set(t.exitTime, [...(byExit.get(t.exitTime) ?? []), t]);
    for (const t of result.trades) {
      expect(['take_profit', 'series_take_profit', 'max_drawdown', 'end_of_data']).toContain(t.exitReason);
      if (t.exitReason === 'take_profit') {
        const i = bars.time.indexOf(t.exitTime);
        const long = t.side === 'BUY';
        const gap = long ? (bars.open[i] as number) >= (t.takeProfit as number) : (bars.open[i] as number) <= (t.takeProfit as number);
        expect(t.exitPrice).toBeCloseTo(gap ? (bars.open[i] as number) : (t.takeProfit as number), 9);
      }
    }
    // A series (same side, overlapping) shares its take-profit level at the close.
    for (const group of byExit.values()) {
      const tps = new Set(group.filter((t) => t.exitReason === 'take_profit').map((t) => t.takeProfit));
      expect(tps.size).toBeLessThanOrEqual(1);
    }
  });
});
