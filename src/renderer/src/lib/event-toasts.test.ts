import { describe, expect, it } from 'vitest';
import { toastsFromEvents, type EngineEventLike } from './event-toasts';

let id = 0;
const ev = (type: string, code: string | null = null, message = type): EngineEventLike => ({
  id: ++id, time: `2025-01-06T00:00:${String(id).padStart(2, '0')}Z`, type, severity: 'info', task_id: 1, code, message,
});

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

  it('folds a burst of fills into one toast but never folds risk breaches', () => {
    const burst = [...Array.from({ length: 12 }, (_, i) => ev('OrderFilled', null, `fill ${i}`)), ...Array.from({ length: 4 }, () => ev('RiskBreached', 'FLOATING_LOSS_THRESHOLD'))];
    const toasts = toastsFromEvents(burst);
    const fills = toasts.filter((t) => t.kind === 'fill');
    expect(fills).toHaveLength(1);
    expect(fills[0]?.title).toBe('12 orders filled');
    expect(fills[0]?.body).toBe('Latest: fill 11');
    expect(toasts.filter((t) => t.kind === 'risk')).toHaveLength(4);
  });
});
