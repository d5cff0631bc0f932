import { describe, expect, it } from 'vitest';
import { goldBuyDip } from './gold-buy-dip';
import { simpleMa } from './simple-ma';
import { FakeContext, barsFrom, instrument, resolved } from './strategies.test-helpers';

/** Strategies report each entry decision through ctx.signal just before the order it leads to. */

const XAU = instrument('XAUUSD');
const EURUSD = instrument('EURUSD');

describe('entry signals of the built-in strategies', () => {
  it('simple_ma: one signal per crossover entry, with the averages it crossed on', () => {
    const bars = barsFrom([10, 9, 10, 9.999, 10.0005]);
    const strategy = simpleMa.create(resolved(simpleMa, { fast_period: 1, slow_period: 2 }), EURUSD);
    const ctx = new FakeContext(EURUSD);
    const orderCountAtSignal: number[] = [];
    const signal = ctx.signal.bind(ctx);
    ctx.signal = (s) => {
      orderCountAtSignal.push(ctx.orders.length);
      signal(s);
    };
    for (let i = 0; i < bars.length; i++) strategy.onBar(bars, i, ctx);
    expect(ctx.orders.map((o) => o.side)).toEqual(['BUY', 'SELL', 'BUY']);
    expect(ctx.signals.map((s) => s.side)).toEqual(['BUY', 'SELL', 'BUY']);
    // Reported before its order.
    expect(orderCountAtSignal).toEqual([0, 1, 2]);
    const first = ctx.signals[0]!;
    expect(first).toMatchObject({ confidence: 1, conditions_met: { fast_crossed_above_slow: true }, reason: 'fast MA crossed above slow MA' });
    // Bar 2: fast = close 10, slow = mean(9, 10) = 9.5.
    expect(first.indicator_values).toEqual({ fast_ma: 10, slow_ma: 9.5, close: 10 });
    expect(ctx.signals[1]?.conditions_met).toEqual({ fast_crossed_below_slow: true });
  });

  it('gold_buy_dip: a signal when the setup is confirmed, with the z-score and the lookback high it used', () => {
    const closes: number[] = [];
    for (let i = 0; i < 40; i++) closes.push(i % 2 ? 100.01 : 99.99);
    closes.push(98.9, 98.95, 99);
    const bars = barsFrom(closes, { wick: 0.05, highs: { 40: 103 } });
    const config = { lookback_candles: 20, zscore_period: 20, percentage_threshold: 2, zscore_wait_candles: 10, use_grid_trading: false };
    const strategy = goldBuyDip.create(resolved(goldBuyDip, config), XAU);
    const ctx = new FakeContext(XAU);
    for (let i = 0; i < bars.length; i++) {
      strategy.onBar(bars, i, ctx);
      if (ctx.orders.length) ctx.pendingOrders = 1;
    }
    expect(ctx.orders).toHaveLength(1);
    expect(ctx.signals).toHaveLength(1);
    const s = ctx.signals[0]!;
    expect(s.side).toBe('BUY');
    expect(s.conditions_met).toEqual({ dip_from_high: true, zscore_oversold: true });
    expect(s.indicator_values?.lookback_high).toBe(103);
    expect(s.indicator_values?.zscore).toBeLessThan(-3);
    expect(s.indicator_values?.close).toBe(98.9);
    expect(s.take_profit).toBe(ctx.orders[0]?.options?.takeProfit);
    expect(s.reason).toBe(ctx.orders[0]?.options?.reason);
  });
});
