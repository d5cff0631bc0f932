import { describe, expect, it } from 'vitest';
import { stackToasts, toastsFromEvents, type EngineEventLike } from './event-toasts';

let id = 0;
const ev = (type: string, code: string | null = null, message = type, taskId = 1): EngineEventLike => ({
  id: ++id, time: `2025-01-06T00:${String(Math.floor(id / 60)).padStart(2, '0')}:${String(id % 60).padStart(2, '0')}Z`, type, severity: 'info', task_id: taskId, code, message,
});
const symbolOf = (taskId: number) => ({ 1: 'XAUUSD', 2: 'EURUSD' })[taskId];

describe('event toasts', () => {
  it('notifies fills, take-profits, stops and breaches; not signal closes or bookkeeping', () => {
    const toasts = toastsFromEvents([
      ev('OrderSubmitted'), ev('OrderFilled', null, 'BUY 0.1 EURUSD filled at 1.04'), ev('PositionClosed', 'signal'),
      ev('PositionClosed', 'take_profit', 'EURUSD BUY closed at TP: +12.00'), ev('PositionClosed', 'stop_loss'),
      ev('RiskBreached', 'MAX_DRAWDOWN', 'Series closed at 50 % drawdown'),
    ]);
    expect(toasts.map((t) => [t.kind, t.severity, t.title])).toEqual([
      ['fill', 'info', 'Order filled · task 1'],
      ['take_profit', 'success', 'Take-profit hit · task 1'],
      ['stop_loss', 'warning', 'Stop-loss hit · task 1'],
      ['risk', 'critical', 'Risk breach · MAX_DRAWDOWN · task 1'],
    ]);
    expect(toasts[1]?.body).toBe('EURUSD BUY closed at TP: +12.00');
  });

  it('folds a burst into one toast per kind and symbol ("5 fills on XAUUSD"), never risk breaches', () => {
    const burst = [
      ...Array.from({ length: 5 }, (_, i) => ev('OrderFilled', null, `BUY 0.01 XAUUSD filled at 26${i}0.00`, 1)),
      ...Array.from({ length: 2 }, () => ev('OrderFilled', null, 'SELL 0.1 EURUSD filled at 1.04', 2)),
      ...Array.from({ length: 4 }, () => ev('RiskBreached', 'FLOATING_LOSS_THRESHOLD')),
    ];
    const toasts = toastsFromEvents(burst, { symbolOf });
    const fills = toasts.filter((t) => t.kind === 'fill');
    expect(fills.map((t) => [t.title, t.count])).toEqual([
      ['5 fills on XAUUSD', 5],
      ['2 fills on EURUSD', 2],
    ]);
    expect(fills[0]?.body).toBe('Latest: BUY 0.01 XAUUSD filled at 2640.00');
    expect(toasts.filter((t) => t.kind === 'risk')).toHaveLength(4);
    // Without the task list, the symbol comes from the message.
    expect(toastsFromEvents([ev('OrderFilled', null, 'BUY 0.01 BTC/USDT filled at 27010.00', 7)])[0]?.where).toBe('BTC/USDT');
  });

  it('turns routine toasts off while the feed replays fast; warnings and breaches still show', () => {
    const events = [ev('OrderFilled', null, 'BUY 0.01 XAUUSD filled'), ev('PositionClosed', 'take_profit'), ev('OrderDenied'), ev('RiskBreached', 'MAX_DRAWDOWN')];
    expect(toastsFromEvents(events, { symbolOf, feedBarsPerSecond: 200 }).map((t) => t.kind)).toEqual(['order', 'risk']);
    expect(toastsFromEvents(events, { symbolOf, feedBarsPerSecond: 2 }).map((t) => t.kind)).toEqual(['fill', 'take_profit', 'order', 'risk']);
  });

  it('folds newcomers into the toast already shown and keeps at most 3, routine ones leaving first, breaches never', () => {
    const first = stackToasts([], toastsFromEvents([ev('OrderFilled', null, 'BUY XAUUSD'), ev('OrderFilled', null, 'BUY XAUUSD')], { symbolOf }));
    expect(first.toasts.map((t) => t.title)).toEqual(['2 fills on XAUUSD']);
    const shownId = first.toasts[0]?.id;
    const second = stackToasts(first.toasts, toastsFromEvents([ev('OrderFilled', null, 'SELL XAUUSD'), ev('OrderFilled', null, 'BUY XAUUSD'), ev('OrderFilled', null, 'BUY XAUUSD')], { symbolOf }));
    expect(second.toasts.map((t) => [t.title, t.id])).toEqual([['5 fills on XAUUSD', shownId]]);
    expect(second.merged).toHaveLength(1);

    const breach = toastsFromEvents([ev('RiskBreached', 'MAX_DRAWDOWN'), ev('RiskBreached', 'MAX_DRAWDOWN')]);
    const more = toastsFromEvents([ev('OrderFilled', null, 'x', 2), ev('TaskPaused', null, 'paused', 2), ev('OrderDenied', null, 'denied', 2)], { symbolOf });
    const stacked = stackToasts(second.toasts, [...breach, ...more]);
    expect(stacked.toasts).toHaveLength(3);
    expect(stacked.toasts.filter((t) => t.kind === 'risk')).toHaveLength(2);
    expect(stacked.dropped.map((t) => t.kind)).toEqual(['fill', 'fill', 'task']);
    // Only breaches left over the limit: none is pushed out.
    const breaches = toastsFromEvents(Array.from({ length: 5 }, () => ev('RiskBreached', 'MAX_DRAWDOWN')));
    expect(stackToasts([], breaches).toasts).toHaveLength(5);
  });
});
