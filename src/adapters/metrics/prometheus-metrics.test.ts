import { describe, expect, it } from 'vitest';
import type { DomainEvent, DomainEventDraft } from '../../core/domain/domain-events';
import type { DomainEventListener, DomainEventStream } from '../../core/ports/domain-events';
import { PrometheusMetrics } from './prometheus-metrics';

/** A stream that hands events to its subscribers as a test publishes them (the bus's delivery, without a journal). */
function stream(): Pick<DomainEventStream, 'subscribe'> & { publish(draft: DomainEventDraft): void } {
  const listeners = new Set<DomainEventListener>();
  let id = 0;
  return {
    subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
    publish(draft) {
      const event = { ...draft, id: ++id, time: new Date().toISOString() } as DomainEvent;
      for (const listener of listeners) listener(event);
    },
  };
}

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('PrometheusMetrics', () => {
  it('counts orders, fills, errors, running tasks and open positions by broker kind from the events', async () => {
    const events = stream();
    const metrics = new PrometheusMetrics({
      brokerOfTask: (taskId) => (taskId === 7 ? 'ccxt:acc-1' : undefined),
      openPositions: () => [{ id: 'old', taskId: 7 }],
    });
    const stop = metrics.watch(events);
    events.publish({ type: 'TaskStarted', severity: 'info', taskId: 1, code: null, message: '', data: { pair: 'XAUUSD', timeframe: '1M', strategy: 's', broker: 'paper' } });
    events.publish({ type: 'OrderSubmitted', severity: 'info', taskId: 1, code: null, message: '', data: { clientOrderId: 'a', side: 'BUY', lots: 1, symbol: 'XAUUSD', kind: 'open', reason: '' } });
    events.publish({ type: 'OrderFilled', severity: 'info', taskId: 1, code: null, message: '', data: { clientOrderId: 'a', price: 1, lots: 1, side: 'BUY', time: 0 } });
    events.publish({ type: 'PositionOpened', severity: 'info', taskId: 1, code: null, message: '', data: { positionId: 'p1', clientOrderId: 'a', side: 'BUY', lots: 1, price: 1, time: 0 } });
    events.publish({ type: 'OrderRejected', severity: 'warning', taskId: 7, code: 'X', message: '', data: {} });
    let text = await metrics.render('trading');
    expect(value(text, 'orders_submitted_total{broker="paper"}')).toBe(1);
    expect(value(text, 'orders_filled_total{broker="paper"}')).toBe(1);
    expect(value(text, 'active_tasks{broker="paper"}')).toBe(1);
    expect(value(text, 'active_trades{broker="paper"}')).toBe(1);
    // The position open at start, on a task started before this process: its broker from the lookup, as a kind.
    expect(value(text, 'active_trades{broker="ccxt"}')).toBe(1);
    expect(value(text, 'trading_errors_total{error_type="order_rejected",service="ccxt"}')).toBe(1);

    events.publish({ type: 'PositionClosed', severity: 'info', taskId: 1, code: null, message: '', data: { positionId: 'p1', pnl: 1, exitReason: 'tp', time: 0 } });
    events.publish({ type: 'TaskPaused', severity: 'warning', taskId: 1, code: null, message: '', data: {} });
    text = await metrics.render('trading');
    expect(value(text, 'active_tasks{broker="paper"}')).toBe(0);
    expect(value(text, 'active_trades{broker="paper"}')).toBe(0);
    stop();
    events.publish({ type: 'OrderFilled', severity: 'info', taskId: 1, code: null, message: '', data: { clientOrderId: 'b', price: 1, lots: 1, side: 'BUY', time: 0 } });
    expect(value(await metrics.render('trading'), 'orders_filled_total{broker="paper"}')).toBe(1);
  });

  it('keeps each instance to its own registries: two contexts in one process count apart', async () => {
    const a = new PrometheusMetrics();
    const b = new PrometheusMetrics();
    a.observeHttpRequest('GET', '/api/status', 200, 0.01);
    a.observeHttpRequest('GET', '/api/status', 200, 0.02);
    b.observeHttpRequest('GET', '/api/status', 200, 0.01);
    const series = 'http_requests_total{method="GET",endpoint="/api/status",status="200"}';
    expect(value(await a.render('all'), series)).toBe(2);
    expect(value(await b.render('all'), series)).toBe(1);
    expect(await a.render('system')).not.toContain('http_requests_total');
    expect(await a.render('system')).toContain('process_cpu_seconds_total');
  });
});
