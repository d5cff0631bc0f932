import type { CreateBacktestInput } from '../../shared/contract/backtest';
import { DomainError, type ErrorDetail } from '../../shared/contract/errors';
import { TIMEFRAME_MS } from '../domain/candles';
import type { CandleCache } from '../backtest/candle-cache';
import type { BacktestJob, SleeveJob } from '../backtest/run-backtest';
import { firstAtOrAfter } from '../backtest/shared-series';
import { checkBacktestRequest, SPEC_TO_TIMEFRAME, type StrategyCatalog } from '../backtest/request-checks';

export { SPEC_TO_TIMEFRAME, type StrategyCatalog };
import { resolveConfig, type ResolvedConfig } from '../strategies/params';
import type { StrategyDefinition } from '../strategies/strategy';
import type { ParameterAxis, ParamValue } from './parameter-space';

/**
 * A research request's backtest fields (the same as POST /api/backtest/ takes) → one BacktestJob over shared-memory
 * candles, with the same checks and the same messages as the backtest service: known strategy, valid strategy_params,
 * known USD-convertible symbols, stored data covering the range (4 days of slack at the edges for weekends).
 * The checks themselves are the backtest service's own (`checkBacktestRequest`).
 */


export type BacktestFields = Omit<CreateBacktestInput, 'name'>;


export interface PreparedRun {
  definition: StrategyDefinition;
  /** The full base configuration (defaults filled in). */
  config: ResolvedConfig;
  warnings: string[];
  /** Every bar of [start_date, end_date) of each symbol, with warm_up_bars before. */
  job: BacktestJob;
  warmUpBars: number;
}

export async function prepareRun(input: BacktestFields, cache: CandleCache, strategies: StrategyCatalog): Promise<PreparedRun> {
  const { definition, resolution, timeframe } = checkBacktestRequest(input, cache, strategies);
  const sleeves: SleeveJob[] = [];
  for (const symbol of input.symbols) {
    const series = await cache.series(symbol, timeframe);
    const from = series ? firstAtOrAfter(series, input.start_date) : 0;
    const to = series ? firstAtOrAfter(series, input.end_date) : 0;
    if (!series || to <= from) {
      throw new DomainError('VALIDATION_FAILED', `Insufficient historical data: no ${symbol} ${input.timeframe} bars between start_date and end_date`, [{ path: 'symbols', message: symbol }]);
    }
    sleeves.push({ symbol, series, warmFrom: Math.max(0, from - input.warm_up_bars), from, to });
  }
  return {
    definition,
    config: resolution.config,
    warnings: resolution.warnings,
    warmUpBars: input.warm_up_bars,
    job: {
      strategy: definition.name,
      config: resolution.config,
      capital: input.initial_capital,
      timeframeMs: TIMEFRAME_MS[timeframe],
      model: {
        fillAt: input.fill_at,
        spreadPoints: input.spread_points,
        slippagePoints: input.slippage_points,
        commissionPerLot: input.commission_per_lot,
        commissionPct: input.commission_percent,
      },
      policy: {
        direction: input.direction,
        sizing: input.sizing,
        value: input.position_size ?? 0,
        rounding: input.size_rounding,
        commissionPct: input.commission_percent,
        commissionPerLot: input.commission_per_lot,
      },
      sleeves,
      collectTrades: false,
    },
  };
}


/**
 * parameter_ranges → grid axes, each value checked against the strategy's parameter table (known key, type, range)
 * on top of the base config. Cross-parameter rules (long_rsi_min ≤ long_rsi_max) are checked per combination when
 * it runs (a refused combination is skipped and counted).
 */
export function parameterAxes(definition: StrategyDefinition, ranges: Record<string, ParamValue[]>): ParameterAxis[] {
  const known = new Map(definition.params.map((p) => [p.key, p]));
  const problems: ErrorDetail[] = [];
  const axes: ParameterAxis[] = [];
  for (const [key, values] of Object.entries(ranges)) {
    const spec = known.get(key);
    if (!spec) {
      problems.push({ path: `parameter_ranges.${key}`, message: `"${key}" is not a parameter of ${definition.name}; its parameters are ${[...known.keys()].join(', ')}` });
      continue;
    }
    for (const value of values) {
      const probe: Record<string, unknown> = { [key]: value };
      const errors = resolveConfig({ name: definition.name, params: definition.params }, probe).errors;
      if (errors.length) problems.push({ path: `parameter_ranges.${key}`, message: `${String(value)}: ${errors.join('; ')}` });
    }
    axes.push({ key, values });
  }
  if (problems.length) {
    throw new DomainError('VALIDATION_FAILED', `Invalid parameter_ranges: ${problems.map((p) => p.message).join('; ')}`, problems);
  }
  return axes;
}
