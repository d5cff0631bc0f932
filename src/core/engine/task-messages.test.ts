import { describe, expect, it } from 'vitest';
import type { ClosedTrade, OrderFilled, SubmitOrder } from '../domain/trading';
import { eventsOfEngineEvent, taskEvents } from './task-messages';

const task = { pair: 'XAUUSD', timeframe: '15M' as const, digits: 2 };
const fill = (opens: boolean): OrderFilled => ({
  clientOrderId: 'c1', positionId: 'p1', taskId: '1', symbol: 'XAUUSD', side: 'BUY', lots: 0.1, price: 2000.5, time: 1, commission: 0, opens,
});
const trade = (exitTime: number, exitReason: ClosedTrade['exitReason'] = 'max_drawdown'): ClosedTrade => ({
  positionId: `p${exitTime}`, taskId: '1', symbol: 'XAUUSD', side: 'BUY', lots: 0.1, entryPrice: 2000, entryTime: 0, exitPrice: 1990.25,
  exitTime, exitReason, pnl: -97.5, commission: 0, magic: 1, clientOrderId: 'c1',
});

describe('what a task says (task-messages.ts)', () => {
  it('an opening fill is OrderFilled + PositionOpened, prices at the instrument digits; a closing fill says nothing itself', () => {
    const events = eventsOfEngineEvent({ type: 'OrderFilled', fill: fill(true) }, task, { reportedFor: undefined });
    expect(events.map((e) => [e.type, e.message])).toEqual([
      ['OrderFilled', 'BUY 0.1 XAUUSD filled at 2000.50 (15M)'],
      ['PositionOpened', 'XAUUSD BUY 0.1 opened at 2000.50 (15M)'],
    ]);
    expect(eventsOfEngineEvent({ type: 'OrderFilled', fill: fill(false) }, task, { reportedFor: undefined })).toEqual([]);
  });

  it('one RiskBreached per max-drawdown force-close, however many positions it closed', () => {
    const drawdown = { reportedFor: undefined as number | undefined };
    const first = eventsOfEngineEvent({ type: 'PositionClosed', trade: trade(10) }, task, drawdown);
    const second = eventsOfEngineEvent({ type: 'PositionClosed', trade: trade(10) }, task, drawdown);
    const later = eventsOfEngineEvent({ type: 'PositionClosed', trade: trade(20) }, task, drawdown);
    expect(first.map((e) => e.type)).toEqual(['PositionClosed', 'RiskBreached']);
    expect(first[0]?.message).toBe('XAUUSD BUY 0.1 closed at 1990.25 (max drawdown): -97.50');
    expect(second.map((e) => e.type)).toEqual(['PositionClosed']);
    expect(later.map((e) => e.type)).toEqual(['PositionClosed', 'RiskBreached']);
  });

  it('order outcomes name the order and what to expect next', () => {
    const order: SubmitOrder = { clientOrderId: 'gbd1-x-0', taskId: '1', symbol: 'XAUUSD', side: 'SELL', lots: 0.2, magic: 1, reason: 'signal', decidedAt: 0 };
    expect(taskEvents.unknown(order, 'timeout').message).toBe('SELL 0.2 XAUUSD: no answer from the broker (timeout); asking it by client order id');
    expect(taskEvents.orderHeld(order, 'link down')).toMatchObject({ type: 'OrderHeld', code: 'BROKER_NOT_READY', message: 'SELL 0.2 XAUUSD not sent: link down' });
  });
});
