import { TIMEFRAME_MS } from '../domain/candles';
import type { NewSignal, SignalRepository } from '../ports/signal-repository';
import type { TaskRecord, TradingRepository } from '../ports/trading-repository';
import type { RaisedSignal } from './strategy-runner';

/**
 * Stores the signals strategies report on live bars. Called by the task actor inside the bar's transaction, after the
 * strategy ran: the order a signal led to is on the journal by then, so what became of it is known — sent (acted),
 * or not: denied by a risk rule or the account's limits, turned down by the strategy's own filter, held because the
 * broker was not ready, refused by the broker.
 *
 * `time` is when the signal was given on the market's clock: the close of the decision bar (its open + timeframe),
 * which is also when its order fills at the next bar's open — the position's opened_at.
 */
export function createSignalRecorder(deps: { signals: SignalRepository; repo: TradingRepository }) {
  return (task: TaskRecord, signal: RaisedSignal): void => {
    let outcome: NewSignal['outcome'] = signal.outcome;
    let outcomeReason = signal.outcomeReason;
    if (outcome === 'acted' && signal.clientOrderId !== null) {
      const entry = deps.repo.findJournalEntry(signal.clientOrderId);
      if (!entry) {
        outcome = 'filtered';
        outcomeReason = 'the order was held: the broker was not connected or reconciling';
      } else if (entry.status === 'rejected' || entry.status === 'cancelled') {
        outcome = 'filtered';
        outcomeReason = `the broker did not take the order: ${entry.error ?? entry.status}`;
      }
    }
    deps.signals.insert({
      source: 'strategy',
      taskId: task.id,
      strategyName: task.strategyName,
      symbol: task.pair,
      timeframe: task.timeframe,
      side: signal.side,
      barTime: signal.time,
      time: signal.time + TIMEFRAME_MS[task.timeframe],
      entryPrice: signal.price,
      stopLoss: signal.stop_loss ?? null,
      takeProfit: signal.take_profit ?? null,
      confidence: signal.confidence,
      description: signal.reason,
      conditionsMet: signal.conditions_met ?? {},
      indicatorValues: signal.indicator_values ?? {},
      outcome,
      outcomeReason: outcome === 'acted' ? null : outcomeReason,
      clientOrderId: outcome === 'acted' ? signal.clientOrderId : null,
    });
  };
}
