import { describe, expect, it } from 'vitest';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import type { Position, SubmitOrder } from '../domain/trading';
import type { BarsView, Strategy, StrategyContext } from '../strategies/strategy';
import { backtestStrategy } from '../backtest/backtest.test-helpers';
import { StrategyRunner, type EngineEvent } from './strategy-runner';

const XAU = builtinInstrument('XAUUSD') as Instrument;
const MINUTE = 60_000;
const T0 = Date.UTC(2024, 7, 1, 12, 0);

/** Bars from closes: open = previous close, high/low = max/min(open, close) unless given. */
function barsFrom(closes: number[], opts: { highs?: number[]; lows?: number[]; opens?: number[] } = {}): BarsView {
  const n = closes.length;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = Float64Array.from(closes);
  for (let i = 0; i < n; i++) {
    time[i] = T0 + i * MINUTE;
    open[i] = opts.opens?.[i] ?? (i === 0 ? closes[0]! : closes[i - 1]!);
    high[i] = opts.highs?.[i] ?? Math.max(open[i]!, close[i]!);
    low[i] = opts.lows?.[i] ?? Math.min(open[i]!, close[i]!);
  }
  return { time, open, high, low, close, volume: new Float64Array(n), length: n };
}

/** A strategy driven by a script: bar index → what to do with the context. */
function scripted(script: Record<number, (ctx: StrategyContext) => void>): Strategy {
  return { onBar: (_bars, index, ctx) => script[index]?.(ctx) };
}

function recordingRunner(overrides: Partial<ConstructorParameters<typeof StrategyRunner>[0]> = {}) {
  const routed: SubmitOrder[] = [];
  const events: EngineEvent[] = [];
  const runner = new StrategyRunner({
    taskId: 'task-1',
    orderIdPrefix: 'gbd1',
    instrument: XAU,
    capital: 10_000,
    magic: 4242,
    strategy: { onBar: () => undefined },
    router: { submit: (order) => routed.push(order), setProtection: () => undefined },
    accountRate: () => 1,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  return { runner, routed, events };
}

const position = (id: string, side: 'BUY' | 'SELL', lots: number, entryPrice: number): Position => ({
  id, taskId: 'task-1', symbol: 'XAUUSD', side, lots, entryPrice, entryTime: T0, takeProfit: null, stopLoss: null, magic: 4242, clientOrderId: id, commission: 0,
});

describe('StrategyRunner lot checks', () => {
  it('denies lots below the minimum or above the maximum with a code, and routes nothing', () => {
    const { runner, routed, events } = recordingRunner();
    runner.onBar(barsFrom([2000]), 0);
    expect(runner.buy(0.009)).toBeUndefined();
    expect(runner.sell(100.01)).toBeUndefined();
    expect(runner.buy(Number.NaN)).toBeUndefined();
    expect(routed).toHaveLength(0);
    const codes = events.flatMap((e) => (e.type === 'OrderDenied' ? [e.denial.code] : []));
    expect(codes).toEqual(['LOT_TOO_SMALL', 'LOT_TOO_LARGE', 'LOT_TOO_SMALL']);
  });

  it('rounds accepted lots DOWN to the lot step', () => {
    const { runner, routed } = recordingRunner();
    runner.onBar(barsFrom([2000]), 0);
    runner.buy(0.3375);
    runner.buy(100);
    expect(routed.map((o) => o.lots)).toEqual([0.33, 100]);
  });

  it('denies every order when the task has no capital', () => {
    const { runner, events } = recordingRunner({ capital: 0 });
    runner.onBar(barsFrom([2000]), 0);
    expect(runner.buy(0.1)).toBeUndefined();
    expect(events.find((e) => e.type === 'OrderDenied')).toMatchObject({ denial: { code: 'INSUFFICIENT_CAPITAL' } });
  });

  it('tags every order with the task magic and the decision bar time', () => {
    const { runner, routed } = recordingRunner();
    const bars = barsFrom([2000, 2001]);
    runner.onBar(bars, 1);
    runner.sell(0.1, { takeProfit: 1990, stopLoss: 2010, reason: 'why' });
    expect(routed[0]).toMatchObject({ magic: 4242, decidedAt: T0 + MINUTE, takeProfit: 1990, stopLoss: 2010, reason: 'why', side: 'SELL' });
  });
});

describe('StrategyRunner client order ids', () => {
  it('are derived from the prefix, the bar time and a per-bar sequence', () => {
    const { runner, routed } = recordingRunner();
    const bars = barsFrom([2000, 2001]);
    runner.onBar(bars, 0);
    runner.buy(0.1);
    runner.buy(0.1);
    runner.onBar(bars, 1);
    runner.buy(0.1);
    const t0 = Math.floor(T0 / 1000).toString(36);
    const t1 = Math.floor((T0 + MINUTE) / 1000).toString(36);
    expect(routed.map((o) => o.clientOrderId)).toEqual([`gbd1-${t0}-0`, `gbd1-${t0}-1`, `gbd1-${t1}-0`]);
    expect(routed.every((o) => o.clientOrderId.length <= 31)).toBe(true);
  });

  it('are the same when the same bars are replayed (a restart after a crash)', () => {
    const closes = [2000, 2002, 1998, 2003, 2001, 1997, 2004];
    const strategy = (): Strategy => scripted({ 1: (c) => c.buy(0.1), 3: (c) => c.closeAll('signal'), 4: (c) => { c.sell(0.2); c.sell(0.1); } });
    const run = () => backtestStrategy({ bars: barsFrom(closes), instrument: XAU, strategy: strategy(), capital: 10_000 }).closedTrades.map((t) => t.clientOrderId);
    const first = run();
    expect(first).toHaveLength(3);
    expect(run()).toEqual(first);
    expect(new Set(first).size).toBe(3);
  });
});

describe('StrategyRunner positions, protection and pending orders', () => {
  it('counts pending orders until they fill, and gives filled positions the protection their order asked for', () => {
    const seen: number[] = [];
    const strategy: Strategy = {
      onBar: (_b, i, ctx) => {
        seen.push(ctx.pendingOrders);
        if (i === 0) ctx.buy(0.1, { takeProfit: 2050, stopLoss: 1950 });
      },
    };
    const { closedTrades } = backtestStrategy({ bars: barsFrom([2000, 2001, 2002]), instrument: XAU, strategy, capital: 10_000, magic: 9 });
    expect(seen).toEqual([0, 0, 0]);
    expect(closedTrades[0]).toMatchObject({ entryPrice: 2000, exitReason: 'end_of_data', exitPrice: 2002, magic: 9 });
  });

  it('a pending order is visible to the strategy until its fill', () => {
    const { runner } = recordingRunner();
    runner.onBar(barsFrom([2000]), 0);
    runner.buy(0.1);
    expect(runner.pendingOrders).toBe(1);
  });

  it('a take-profit close reported by the broker does not consume the count of a pending order', () => {
    // The broker closes a position by its take-profit (an order the runner never sent) while an entry is pending:
    // the entry is still pending, so the strategy must not be told it is free to send another one.
    const { runner } = recordingRunner();
    runner.restorePosition(position('p1', 'BUY', 0.1, 2000));
    runner.onBar(barsFrom([2000]), 0);
    runner.buy(0.1);
    expect(runner.pendingOrders).toBe(1);
    runner.applyFilled({ clientOrderId: 'p1:x', positionId: 'p1', taskId: 'task-1', symbol: 'XAUUSD', side: 'SELL', lots: 0.1, price: 2010, time: T0, commission: 0, opens: false, exitReason: 'take_profit', pnl: 100 });
    expect(runner.pendingOrders).toBe(1);
  });

  it('sends one close order per position, however often the strategy asks before it fills', () => {
    // A second close of the same position would, on a netting account or a spot exchange, open the opposite position.
    const { runner, routed } = recordingRunner();
    runner.restorePosition(position('p1', 'BUY', 0.1, 2000));
    runner.restorePosition(position('p2', 'SELL', 0.2, 2000));
    runner.onBar(barsFrom([2000]), 0);
    runner.closeAll('max_drawdown');
    runner.close('p1', 'signal');
    runner.closeAll('manual');
    expect(routed.map((o) => o.closesPositionId)).toEqual(['p1', 'p2']);
    expect(routed.map((o) => o.exitReason)).toEqual(['max_drawdown', 'max_drawdown']);
    expect(routed.map((o) => o.side)).toEqual(['SELL', 'BUY']);
    expect(runner.pendingOrders).toBe(2);
  });

  it('a close that could not fill (broker refusal) may be sent again', () => {
    const { runner, routed } = recordingRunner();
    runner.restorePosition(position('p1', 'BUY', 0.1, 2000));
    runner.onBar(barsFrom([2000]), 0);
    runner.close('p1', 'manual');
    runner.applyCancelled(routed[0]!.clientOrderId);
    expect(runner.pendingOrders).toBe(0);
    runner.close('p1', 'manual');
    expect(routed).toHaveLength(2);
  });

  it('setProtection updates the position and reaches the exchange (same-bar TP after a fill)', () => {
    // The strategy sets the TP from the actual fill price in onFilled; the exchange checks it in the same bar.
    const strategy: Strategy = {
      onBar: (_b, i, ctx) => {
        if (i === 0) ctx.buy(1);
      },
      onFilled: (fill, ctx) => {
        if (fill.opens) ctx.setProtection(fill.positionId, fill.price + 3, null);
      },
    };
    const bars = barsFrom([2000, 2005, 2004], { opens: [2000, 2001, 2005] });
    const { closedTrades: trades } = backtestStrategy({ bars, instrument: XAU, strategy, capital: 10_000 });
    expect(trades[0]).toMatchObject({ entryPrice: 2001, exitPrice: 2004, exitReason: 'take_profit', exitTime: T0 + MINUTE });
  });

  it('floatingPnl is the open positions at the last close, net of entry commissions, in the account currency', () => {
    const { runner } = recordingRunner();
    runner.restorePosition({ ...position('p1', 'BUY', 0.5, 2000), commission: 2 });
    runner.restorePosition(position('p2', 'SELL', 0.1, 1990));
    runner.onBar(barsFrom([2010]), 0);
    expect(runner.floatingPnl()).toBeCloseTo(10 * 0.5 * 100 - 2 + -20 * 0.1 * 100, 9);
  });
});

describe('StrategyRunner floating-loss threshold', () => {
  it('closes everything and pauses the task when the floating loss reaches the threshold; later orders are denied', () => {
    // 1 lot of gold: 100 $ per 1 $ move. Capital 10,000, threshold 5 % = 500 $ → a 5 $ fall.
    const closes = [2000, 2000, 1997, 1995.5, 1994, 1990, 2000];
    const events: EngineEvent[] = [];
    const denials: (string | undefined)[] = [];
    const strategy = scripted({ 0: (c) => c.buy(1), 5: (c) => denials.push(c.buy(0.1)) });
    const { closedTrades: trades } = backtestStrategy({
      bars: barsFrom(closes), instrument: XAU, strategy, capital: 10_000, floatingLossThresholdPct: 5, onEvent: (e) => events.push(e),
    });
    // Entry at bar 1's open (2000). Bar 2 close 1997: −300 $. Bar 3 close 1995.5: −450 $. Bar 4 close 1994: −600 $ ≥ 500 $.
    const breach = events.find((e) => e.type === 'RiskBreached');
    expect(breach).toMatchObject({ code: 'FLOATING_LOSS_THRESHOLD', time: T0 + 4 * MINUTE, limit: 500 });
    expect(breach && 'floatingPnl' in breach ? breach.floatingPnl : 0).toBeCloseTo(-600, 9);
    expect(trades).toHaveLength(1);
    // The close is decided on bar 4 and fills at bar 5's open (= bar 4's close here).
    expect(trades[0]).toMatchObject({ exitReason: 'floating_loss_threshold', exitTime: T0 + 5 * MINUTE, exitPrice: 1994 });
    expect(events.find((e) => e.type === 'TaskPaused')).toMatchObject({ reason: expect.stringMatching(/5% threshold/) });
    expect(denials).toEqual([undefined]);
    expect(events.find((e) => e.type === 'OrderDenied')).toMatchObject({ denial: { code: 'TASK_PAUSED' } });
  });

  it('does nothing below the threshold', () => {
    const events: EngineEvent[] = [];
    backtestStrategy({
      bars: barsFrom([2000, 2000, 1995.01, 2001]), instrument: XAU, strategy: scripted({ 0: (c) => c.buy(1) }), capital: 10_000,
      floatingLossThresholdPct: 5, onEvent: (e) => events.push(e),
    });
    expect(events.some((e) => e.type === 'RiskBreached')).toBe(false);
  });
});

describe('the backtester at the end of the data', () => {
  it('closes what is open at the last close (end_of_data) and drops entries decided on the last bar', () => {
    const closes = [2000, 2001, 2002, 2003];
    const strategy = scripted({ 0: (c) => c.sell(0.1), 3: (c) => c.buy(0.1) });
    const events: EngineEvent[] = [];
    const run = backtestStrategy({ bars: barsFrom(closes), instrument: XAU, strategy, capital: 10_000, onEvent: (e) => events.push(e) });
    const trades = run.closedTrades;
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ side: 'SELL', entryPrice: 2000, exitPrice: 2003, exitReason: 'end_of_data', exitTime: T0 + 3 * MINUTE });
    expect(trades[0]?.pnl).toBeCloseTo(-3 * 0.1 * 100, 9);
    // Fully realized: nothing left open, and the BUY decided on the last bar never filled.
    expect(run.finalEquity).toBeCloseTo(10_000 + (trades[0]?.pnl ?? 0), 9);
    expect(events.filter((e) => e.type === 'OrderFilled' && e.fill.opens)).toHaveLength(1);
  });

  it('a close the strategy sent on the last bar keeps its own exit reason', () => {
    const strategy = scripted({ 0: (c) => c.buy(0.1), 2: (c) => c.closeAll('signal') });
    const { closedTrades: trades } = backtestStrategy({ bars: barsFrom([2000, 2001, 2002]), instrument: XAU, strategy, capital: 10_000 });
    expect(trades.map((t) => t.exitReason)).toEqual(['signal']);
  });
});
