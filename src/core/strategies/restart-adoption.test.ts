import { describe, expect, it } from 'vitest';
import type { OrderFilled, Position } from '../domain/trading';
import { goldBuyDip } from './gold-buy-dip';
import { simpleMa } from './simple-ma';
import { FakeContext, barsFrom, instrument, resolved } from './strategies.test-helpers';

/**
 * Strategies take over what a restart gives back (positions held at the broker, opening orders in flight).
 *
 * A grid series taken over after a restart counts every trade of it against max_grid_trades: the positions the broker
 * holds AND the opening orders still in flight. Counting only the positions sent "grid trade 2/5" twice (issue 8).
 */
const XAU = instrument('XAUUSD');
const GRID = { lookback_candles: 20, zscore_period: 20, percentage_threshold: 2, use_grid_trading: true, max_grid_trades: 5, use_grid_percent: true, grid_percent: 0.5, take_profit_percent: 50 };

const position = (id: string, lots: number, price: number): Position => ({
  id, taskId: 'fake', symbol: 'XAUUSD', side: 'BUY', lots, entryPrice: price, entryTime: 0, takeProfit: null, stopLoss: null, magic: 1, clientOrderId: id, commission: 0,
});
const fill = (clientOrderId: string, lots: number, price: number): OrderFilled => ({
  clientOrderId, taskId: 'fake', symbol: 'XAUUSD', side: 'BUY', lots, price, time: 0, positionId: clientOrderId, opens: true, commission: 0,
} as OrderFilled);

/** Restarts the strategy with `held` positions and `inFlight` opening orders, fills them, then lets price fall a long way. */
function gridTradesAfterRestart(held: number, inFlight: number): number {
  const strategy = goldBuyDip.create(resolved(goldBuyDip, GRID), XAU);
  const ctx = new FakeContext(XAU);
  let price = 2000;
  for (let k = 0; k < held; k++, price *= 0.995) ctx.positions.push(position(`p${k}`, 0.01, price));
  for (let k = 0; k < inFlight; k++) ctx.pendingOpens.push({ clientOrderId: `q${k}`, side: 'BUY', lots: 0.01 });
  ctx.pendingOrders = inFlight;
  // A falling market, every close far below the last: each bar would be a new grid level.
  const closes = Array.from({ length: 60 }, (_, i) => 2000 * 0.99 ** (i + 1));
  const bars = barsFrom(closes, { wick: 0.01 });
  strategy.onBar(bars, 0, ctx);
  // The in-flight orders fill.
  for (const open of ctx.pendingOpens.splice(0)) {
    ctx.positions.push(position(open.clientOrderId, open.lots, closes[0] as number));
    ctx.pendingOrders--;
    strategy.onFilled?.(fill(open.clientOrderId, open.lots, closes[0] as number), ctx);
  }
  for (let i = 1; i < closes.length; i++) {
    const before = ctx.orders.length;
    strategy.onBar(bars, i, ctx);
    // Each new grid order fills at once.
    for (let k = before; k < ctx.orders.length; k++) ctx.positions.push(position(`g${k}`, 0.01, closes[i] as number));
  }
  return ctx.orders.length;
}

describe('gold_buy_dip taking over a series after a restart', () => {
  it('counts in-flight opening orders with the held positions against max_grid_trades', () => {
    // 1 held + 1 in flight (the case): 3 more grid trades, 5 in all — not 4 more (6).
    expect(gridTradesAfterRestart(1, 1)).toBe(3);
    // Only the series' first entry in flight: 4 more.
    expect(gridTradesAfterRestart(0, 1)).toBe(4);
    // Positions only: as before.
    expect(gridTradesAfterRestart(2, 0)).toBe(3);
    expect(gridTradesAfterRestart(5, 0)).toBe(0);
  });
});

describe('simple_ma taking over a position after a restart', () => {
  it('reverses the restored position on the next opposite cross instead of opening beside it', () => {
    const strategy = simpleMa.create(resolved(simpleMa, { lot_size: 0.1, fast_period: 2, slow_period: 4, take_profit_pips: 0, stop_loss_pips: 0 }), XAU);
    const ctx = new FakeContext(XAU);
    ctx.positions.push(position('restored', 0.1, 2000));
    // Up, then down: the 2-bar average crosses below the 4-bar one on the last bar.
    const closes = [2000, 2001, 2002, 2003, 2004, 2005, 2004, 1998];
    const bars = barsFrom(closes, { wick: 0.01 });
    for (let i = 0; i < closes.length; i++) strategy.onBar(bars, i, ctx);
    expect(ctx.closes).toEqual([{ positionId: 'restored', reason: 'signal' }]);
    expect(ctx.orders.map((o) => o.side)).toEqual(['SELL']);
  });
});
