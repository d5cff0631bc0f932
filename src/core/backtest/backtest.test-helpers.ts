import type { Instrument } from '../domain/instruments';
import type { ClosedTrade } from '../domain/trading';
import { DEFAULT_ORDER_POLICY } from '../engine/order-policy';
import { DEFAULT_EXECUTION_MODEL, type ExecutionModel } from '../engine/simulated-exchange';
import type { EngineEvent } from '../engine/strategy-runner';
import type { BarsView, Strategy } from '../strategies/strategy';
import { runSleeve, type SleeveResult } from './engine';

/**
 * Tests run strategies through the production backtester (runSleeve: the same runner, simulated exchange, warm-up and
 * end-of-data close-out a backtest request gets), never through a loop of their own. This only adapts a hand-made
 * Strategy instance to the engine's definition-and-config input.
 */
export interface StrategyBacktestOptions {
  bars: BarsView;
  instrument: Instrument;
  strategy: Strategy;
  capital?: number;
  magic?: number;
  model?: ExecutionModel;
  accountRate?: (price: number) => number;
  floatingLossThresholdPct?: number | null;
  /** First traded bar; the bars before it are the strategy's warm-up (seen in dry run, as a live task's history). */
  from?: number;
  to?: number;
  onEvent?: (event: EngineEvent) => void;
}

export function backtestStrategy(options: StrategyBacktestOptions): SleeveResult & { closedTrades: ClosedTrade[] } {
  const { strategy } = options;
  const bars = options.bars as Parameters<typeof runSleeve>[0];
  const result = runSleeve(bars, {
    instrument: options.instrument,
    definition: { name: 'test', title: 'test', description: 'a strategy built by the test', params: [], create: () => strategy },
    config: {},
    capital: options.capital ?? 10_000,
    model: options.model ?? DEFAULT_EXECUTION_MODEL,
    policy: DEFAULT_ORDER_POLICY,
    warmFrom: 0,
    from: options.from ?? 0,
    to: options.to ?? bars.length,
    ...(options.accountRate ? { accountRate: options.accountRate } : {}),
    ...(options.magic !== undefined ? { magic: options.magic } : {}),
    floatingLossThresholdPct: options.floatingLossThresholdPct ?? null,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { ...result, closedTrades: [...result.closed] };
}
