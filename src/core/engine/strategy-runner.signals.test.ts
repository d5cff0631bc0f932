import { describe, expect, it } from 'vitest';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import type { SubmitOrder } from '../domain/trading';
import type { BarsView, Strategy, StrategyContext } from '../strategies/strategy';
import { StrategyRunner, type AccountRules, type EngineEvent, type RaisedSignal } from './strategy-runner';

const BTC = builtinInstrument('BTCUSDT') as Instrument;
const T0 = Date.UTC(2024, 10, 6, 12, 0);
const HOUR = 3_600_000;

function bars(closes: number[]): BarsView {
  const n = closes.length;
  const time = Float64Array.from(closes.map((_, i) => T0 + i * HOUR));
  const close = Float64Array.from(closes);
  return { time, open: close, high: close, low: close, close, volume: new Float64Array(n), length: n };
}

function runnerWith(script: (ctx: StrategyContext, index: number) => void, extra: { account?: AccountRules; onSignal?: boolean } = {}) {
  const routed: SubmitOrder[] = [];
  const events: EngineEvent[] = [];
  const signals: RaisedSignal[] = [];
  const protections: [string, number | null, number | null][] = [];
  const strategy: Strategy = { onBar: (_b, index, ctx) => script(ctx, index) };
  const runner = new StrategyRunner({
    taskId: '7',
    orderIdPrefix: 'E7',
    instrument: BTC,
    capital: 10_000,
    magic: 1,
    strategy,
    router: { submit: (o) => routed.push(o), setProtection: (id, tp, sl) => protections.push([id, tp, sl]) },
    accountRate: () => 1,
    onEvent: (e) => events.push(e),
    ...(extra.onSignal === false ? {} : { onSignal: (s: RaisedSignal) => signals.push(s) }),
    ...(extra.account ? { account: extra.account } : {}),
  });
  return { runner, routed, events, signals, protections };
}

describe('StrategyRunner signals', () => {
  it('links a signal to the opening order that follows it in the same bar (acted on), with the order’s TP/SL', () => {
    const { runner, routed, signals } = runnerWith((ctx) => {
      ctx.signal({ side: 'BUY', confidence: 0.8, reason: 'test long', conditions_met: { a: true, b: false }, indicator_values: { rsi: 28.5 } });
      ctx.buy(0.01, { takeProfit: 66_125, stopLoss: 61_500 });
    });
    runner.onBar(bars([62_500]), 0);
    expect(routed).toHaveLength(1);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({
      side: 'BUY', confidence: 0.8, outcome: 'acted', outcomeReason: null, clientOrderId: routed[0]?.clientOrderId,
      taskId: '7', symbol: 'BTCUSDT', time: T0, price: 62_500, take_profit: 66_125, stop_loss: 61_500,
      conditions_met: { a: true, b: false }, indicator_values: { rsi: 28.5 },
    });
  });

  it('records why a signal was not acted on: a risk denial, the strategy’s own filter, or no order at all', () => {
    const { runner, signals } = runnerWith((ctx, i) => {
      if (i === 0) {
        ctx.signal({ side: 'SELL', confidence: 1, reason: 'too small' });
        ctx.sell(0.000001);
      } else if (i === 1) {
        ctx.signal({ side: 'BUY', confidence: 0.5, reason: 'weak', filtered: 'confidence 50% is below min_confidence 73%' });
      } else {
        ctx.signal({ side: 'BUY', confidence: 1, reason: 'no order' });
      }
    });
    const b = bars([100, 101, 102]);
    for (let i = 0; i < 3; i++) runner.onBar(b, i);
    expect(signals.map((s) => [s.outcome, s.outcomeReason?.split(':')[0], s.clientOrderId])).toEqual([
      ['filtered', 'LOT_TOO_SMALL', null],
      ['filtered', 'confidence 50% is below min_confidence 73%', null],
      ['filtered', 'the strategy sent no order for it', null],
    ]);
  });

  it('an order of the other side does not answer a signal', () => {
    const { runner, signals, routed } = runnerWith((ctx) => {
      ctx.signal({ side: 'BUY', confidence: 1, reason: 'long' });
      ctx.sell(0.01);
    });
    runner.onBar(bars([100]), 0);
    expect(routed).toHaveLength(1);
    expect(signals[0]?.outcome).toBe('filtered');
  });

  it('keeps no signal during warm-up (dry run) or without a listener', () => {
    const script = (ctx: StrategyContext) => {
      ctx.signal({ side: 'BUY', confidence: 1, reason: 'x' });
      ctx.buy(0.01);
    };
    const warm = runnerWith(script);
    warm.runner.dryRun = true;
    warm.runner.onBar(bars([100]), 0);
    expect(warm.signals).toEqual([]);
    const none = runnerWith(script, { onSignal: false });
    none.runner.onBar(bars([100]), 0);
    expect(none.routed).toHaveLength(1);
  });
});

describe('StrategyRunner account rules', () => {
  it('sizes opening orders by the account and denies them with its reason', () => {
    let open = 0;
    const account: AccountRules = {
      protection: true,
      admit: ({ price }) => (open >= 1 ? { code: 'MAX_OPEN_POSITIONS', message: '1 position is open, the limit is 1' } : 1_000 / price),
    };
    const { runner, routed, events, signals } = runnerWith((ctx, i) => {
      ctx.signal({ side: 'BUY', confidence: 1, reason: `bar ${i}` });
      ctx.buy(5);
      open++;
    }, { account });
    const b = bars([62_500, 63_000]);
    runner.onBar(b, 0);
    runner.onBar(b, 1);
    expect(routed.map((o) => o.lots)).toEqual([0.016]);
    expect(events.find((e) => e.type === 'OrderDenied')).toMatchObject({ denial: { code: 'MAX_OPEN_POSITIONS' } });
    expect(signals.map((s) => s.outcome)).toEqual(['acted', 'filtered']);
    expect(signals[1]?.outcomeReason).toContain('MAX_OPEN_POSITIONS');
  });

  it('places no take-profit or stop-loss when the account says protection is off', () => {
    const account: AccountRules = { protection: false, admit: ({ lots }) => lots };
    const { runner, routed, protections, signals } = runnerWith((ctx) => {
      ctx.signal({ side: 'BUY', confidence: 1, reason: 'long' });
      ctx.buy(0.01, { takeProfit: 110, stopLoss: 90 });
    }, { account });
    runner.onBar(bars([100]), 0);
    expect(routed[0]).toMatchObject({ takeProfit: null, stopLoss: null });
    // The signal keeps the levels the strategy asked for.
    expect(signals[0]).toMatchObject({ outcome: 'acted', take_profit: 110, stop_loss: 90 });
    runner.applyFilled({
      clientOrderId: routed[0]!.clientOrderId, positionId: routed[0]!.clientOrderId, taskId: '7', symbol: 'BTCUSDT', side: 'BUY',
      lots: 0.01, price: 100, time: T0 + HOUR, commission: 0, opens: true,
    });
    runner.setProtection(routed[0]!.clientOrderId, 110, 90);
    expect(protections).toEqual([]);
    expect(runner.positions[0]).toMatchObject({ takeProfit: null, stopLoss: null });
  });
});
