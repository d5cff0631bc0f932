import type { Instrument } from '../domain/instruments';
import type { ClosedTrade } from '../domain/trading';
import type { BarsView, Strategy } from '../strategies/strategy';
import { SimulatedExchange, type ExecutionModel, DEFAULT_EXECUTION_MODEL } from './simulated-exchange';
import { StrategyRunner, type EngineEvent } from './strategy-runner';

export interface BacktestLoopOptions {
  bars: BarsView;
  instrument: Instrument;
  strategy: Strategy;
  capital: number;
  magic?: number;
  model?: ExecutionModel;
  accountRate?: (price: number) => number;
  floatingLossThresholdPct?: number | null;
  /** Bars [from, to) are traded; earlier bars are still visible to the strategy's indicators through `bars`. */
  from?: number;
  to?: number;
  onEvent?: (event: EngineEvent) => void;
}

export interface BacktestLoopResult {
  trades: ClosedTrade[];
  runner: StrategyRunner;
}

/**
 * The simplest complete run of a strategy over stored bars: the simulated exchange fills, the runner applies risk
 * and calls the strategy, bar after bar; what is still open at the end is closed at the last close ('end_of_data').
 */
export function runBacktestLoop(options: BacktestLoopOptions): BacktestLoopResult {
  const { bars, instrument, strategy } = options;
  const accountRate = options.accountRate ?? (() => 1);
  let runner: StrategyRunner | undefined;
  const exchange = new SimulatedExchange(instrument, options.model ?? DEFAULT_EXECUTION_MODEL, accountRate, {
    onFilled: (fill) => runner?.applyFilled(fill),
    onClosed: (trade) => runner?.applyClosed(trade),
    onCancelled: (order) => runner?.applyCancelled(order.clientOrderId),
  });
  runner = new StrategyRunner({
    taskId: 'backtest',
    orderIdPrefix: 'bt',
    instrument,
    capital: options.capital,
    magic: options.magic ?? 0,
    strategy,
    router: {
      submit: (order, time, closeBid) => exchange.submit(order, time, closeBid),
      setProtection: (id, tp, sl) => exchange.setProtection(id, tp, sl),
    },
    accountRate,
    floatingLossThresholdPct: options.floatingLossThresholdPct ?? null,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const from = options.from ?? 0;
  const to = Math.min(options.to ?? bars.length, bars.length);
  for (let i = from; i < to; i++) {
    if (exchange.hasWork) exchange.processBar(bars.time[i] as number, bars.open[i] as number, bars.high[i] as number, bars.low[i] as number);
    runner.onBar(bars, i);
  }
  if (to > from) {
    const last = to - 1;
    // Entries decided on the last bar would fill on a bar that does not exist: they are dropped, and what is
    // open is closed at the last close.
    exchange.cancelQueuedEntries();
    runner.closeAll('end_of_data', 'open at the end of the data');
    exchange.processBar(bars.time[last] as number, bars.close[last] as number, bars.close[last] as number, bars.close[last] as number);
  }
  return { trades: runner.trades, runner };
}
