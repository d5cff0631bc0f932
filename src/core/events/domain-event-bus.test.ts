import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/persistence/sqlite/database';
import { createSqliteTradingRepository } from '../../adapters/persistence/sqlite/trading-repository';
import { systemClock } from '../ports/clock';
import type { Notification } from '../ports/notifier';
import type { DomainEvent } from '../domain/domain-events';
import { DomainEventBus, PULSE_INTERVAL_MS } from './domain-event-bus';
import { notifyOnEvents } from './notify-on-events';
import { domainEventJournal } from './trading-journal';

function setUp() {
  const repo = createSqliteTradingRepository(openDatabase(':memory:'), systemClock);
  const bus = new DomainEventBus({ journal: domainEventJournal(repo) });
  const seen: DomainEvent[] = [];
  bus.subscribe((event) => seen.push(event));
  return { repo, bus, seen };
}

describe('domain event bus', () => {
  it('stores every event in the journal before a subscriber sees it; the row id is its sequence number', () => {
    const { repo, bus, seen } = setUp();
    bus.publish([
      { type: 'TaskStarted', severity: 'info', taskId: 3, code: null, message: 'started', data: { pair: 'XAUUSD', timeframe: '1M', strategy: 'simple_ma', broker: 'paper' } },
      { type: 'BrokerConnectionChanged', severity: 'warning', taskId: null, code: 'down', message: 'MT5 down', data: { broker: 'mt5', link: 'down', detail: 'x' } },
    ]);
    const rows = repo.listEvents({ limit: 10 }).reverse();
    expect(rows.map((r) => [r.id, r.type])).toEqual([
      [seen[0]?.id, 'TaskStarted'],
      [seen[1]?.id, 'BrokerConnectionChanged'],
    ]);
    expect((seen[1]?.id ?? 0) > (seen[0]?.id ?? 0)).toBe(true);
    expect(seen[0]?.data).toMatchObject({ pair: 'XAUUSD' });
  });

  it('does not store twice what a publisher stored in its own transaction', () => {
    const { repo, bus, seen } = setUp();
    const row = repo.recordEvent({ type: 'OrderFilled', severity: 'info', taskId: 1, code: null, message: 'BUY filled' });
    bus.publish([{ type: 'OrderFilled', severity: 'info', taskId: 1, code: null, message: 'BUY filled', id: row.id, time: row.time }]);
    expect(repo.listEvents({ limit: 10 })).toHaveLength(1);
    expect(seen.map((e) => e.id)).toEqual([row.id]);
  });

  it('replays what a client missed after its last id, oldest first, or says it must resync when that is too much', () => {
    const { bus } = setUp();
    for (let i = 0; i < 5; i++) bus.publish([{ type: 'OrderSubmitted', severity: 'info', taskId: 1, code: null, message: `order ${i}` }]);
    const last = bus.lastId();
    expect(bus.replay(last - 2, 10)).toMatchObject({ complete: true, lastId: last, events: [{ id: last - 1, message: 'order 3' }, { id: last, message: 'order 4' }] });
    expect(bus.replay(last, 10)).toEqual({ complete: true, lastId: last, events: [] });
    expect(bus.replay(0, 3)).toEqual({ complete: false, lastId: last, events: [] });
  });

  it('keeps delivering when one subscriber throws', () => {
    const errors: unknown[] = [];
    const repo = createSqliteTradingRepository(openDatabase(':memory:'), systemClock);
    const bus = new DomainEventBus({ journal: domainEventJournal(repo), onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('broken subscriber');
    });
    bus.subscribe((e) => seen.push(e.type));
    bus.publish([{ type: 'TaskStopped', severity: 'info', taskId: 1, code: null, message: 'stopped', data: { positionsClosed: true } }]);
    expect(seen).toEqual(['TaskStopped']);
    expect(errors).toHaveLength(1);
  });

  it('the notifier is a subscriber: it receives fills and risk breaches, not every event', () => {
    const { bus } = setUp();
    const notified: Notification[] = [];
    bus.subscribe(notifyOnEvents({ notify: (n) => notified.push(n) }));
    bus.publish([
      { type: 'OrderSubmitted', severity: 'info', taskId: 2, code: null, message: 'BUY 0.1 XAUUSD sent' },
      { type: 'OrderFilled', severity: 'info', taskId: 2, code: null, message: 'BUY 0.1 XAUUSD filled at 2000.00' },
      { type: 'RiskBreached', severity: 'critical', taskId: 2, code: 'MAX_DRAWDOWN', message: 'drawdown over the limit' },
      { type: 'PositionClosed', severity: 'info', taskId: 2, code: 'signal', message: 'closed on a signal' },
    ]);
    expect(notified).toEqual([
      { kind: 'fill', severity: 'info', title: 'Order filled · task 2', body: 'BUY 0.1 XAUUSD filled at 2000.00' },
      { kind: 'risk_breach', severity: 'critical', title: 'Risk limit hit (MAX_DRAWDOWN) · task 2', body: 'drawdown over the limit' },
    ]);
  });
});

describe('pulses', () => {
  it('pass by without being stored, at most one per subject per window, the last of a burst always delivered', async () => {
    const { repo, bus } = setUp();
    const pulses: unknown[] = [];
    bus.onPulse((p) => pulses.push(p));
    for (let i = 0; i < 50; i++) bus.pulse({ kind: 'market', symbol: 'XAUUSD', time: `2025-01-01T00:${String(i).padStart(2, '0')}:00.000Z` });
    bus.pulse({ kind: 'job', job: 'backtest', id: 7, progress: 12.5 });
    // The first of the burst at once, the job (another subject) at once, the rest held back…
    expect(pulses).toEqual([
      { kind: 'market', symbol: 'XAUUSD', time: '2025-01-01T00:00:00.000Z' },
      { kind: 'job', job: 'backtest', id: 7, progress: 12.5 },
    ]);
    // …and the newest of them sent when the window ends.
    await new Promise((resolve) => setTimeout(resolve, PULSE_INTERVAL_MS + 50));
    expect(pulses.at(-1)).toEqual({ kind: 'market', symbol: 'XAUUSD', time: '2025-01-01T00:49:00.000Z' });
    expect(pulses).toHaveLength(3);
    expect(repo.listEvents({ limit: 10 })).toHaveLength(0);
  });
});
