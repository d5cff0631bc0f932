import { describe, expect, it } from 'vitest';
import type { NewSignal, SignalRepository } from '../ports/signal-repository';
import type { JournalEntry, TaskRecord, TradingRepository } from '../ports/trading-repository';
import { createSignalRecorder } from './signal-recorder';
import type { RaisedSignal } from './strategy-runner';

const T = Date.UTC(2024, 10, 6, 10, 30);
const task = { id: 3, pair: 'BTCUSDT', timeframe: '4H', strategyName: 'confluence' } as TaskRecord;

function recorder(journal: Record<string, Partial<JournalEntry>>) {
  const stored: NewSignal[] = [];
  const signals = { insert: (s: NewSignal) => (stored.push(s), undefined) } as unknown as SignalRepository;
  const repo = { findJournalEntry: (id: string) => journal[id] as JournalEntry | undefined } as unknown as TradingRepository;
  return { record: createSignalRecorder({ signals, repo }), stored };
}

const raised = (over: Partial<RaisedSignal> = {}): RaisedSignal => ({
  side: 'BUY', confidence: 0.78, reason: 'RSI oversold', conditions_met: { rsi_oversold: true }, indicator_values: { rsi: 28.5 },
  taskId: '3', symbol: 'BTCUSDT', time: T, price: 62_500, outcome: 'acted', outcomeReason: null, clientOrderId: 'E3-x-0',
  take_profit: 66_125, stop_loss: 61_500, ...over,
});

describe('signal recorder', () => {
  it('stores an acted signal at its decision bar’s close with the task’s symbol, timeframe and strategy', () => {
    const { record, stored } = recorder({ 'E3-x-0': { status: 'submitted' } });
    record(task, raised());
    expect(stored).toEqual([
      {
        source: 'strategy', taskId: 3, strategyName: 'confluence', symbol: 'BTCUSDT', timeframe: '4H', side: 'BUY', barTime: T,
        time: T + 4 * 3_600_000, entryPrice: 62_500, stopLoss: 61_500, takeProfit: 66_125, confidence: 0.78, description: 'RSI oversold',
        conditionsMet: { rsi_oversold: true }, indicatorValues: { rsi: 28.5 }, outcome: 'acted', outcomeReason: null, clientOrderId: 'E3-x-0',
      },
    ]);
  });

  it('an order that never reached the journal (held) or that the broker refused makes the signal filtered', () => {
    const { record, stored } = recorder({ 'E3-x-1': { status: 'rejected', error: 'insufficient margin' } });
    record(task, raised());
    record(task, raised({ clientOrderId: 'E3-x-1' }));
    record(task, raised({ outcome: 'filtered', outcomeReason: 'confidence too low', clientOrderId: null, take_profit: undefined, stop_loss: undefined }));
    expect(stored.map((s) => [s.outcome, s.outcomeReason, s.clientOrderId, s.takeProfit])).toEqual([
      ['filtered', 'the order was held: the broker was not connected or reconciling', null, 66_125],
      ['filtered', 'the broker did not take the order: insufficient margin', null, 66_125],
      ['filtered', 'confidence too low', null, null],
    ]);
  });
});
