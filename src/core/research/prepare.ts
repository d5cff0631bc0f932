import type { CreateBacktestInput } from '../../shared/contract/backtest';
import { DomainError, type ErrorDetail } from '../../shared/contract/errors';
import { TIMEFRAME_MS, type Timeframe } from '../domain/candles';
import { builtinInstrument, quoteToAccountRate } from '../domain/instruments';
import type { CandleCache } from '../backtest/candle-cache';
import { isoTime, type BacktestJob, type SleeveJob } from '../backtest/run-backtest';
import { firstAtOrAfter } from '../backtest/shared-series';
import { resolveConfig, type ResolvedConfig } from '../strategies/params';
import type { StrategyDefinition } from '../strategies/strategy';
import type { ParameterAxis, ParamValue } from './parameter-space';

/**
 * A research request's backtest fields (the same as POST /api/backtest/ takes) → one BacktestJob over shared-memory
 * candles, with the same checks and the same messages as the backtest service: known strategy, valid strategy_params,
 * known USD-convertible symbols, stored data covering the range (4 days of slack at the edges for weekends).
 *
 * TODO(backtest): the backtest service builds its jobs the same way in private methods; once it exposes a
 * "validate + build job" function, this file should call it instead of repeating the rules.
 */

export const SPEC_TO_TIMEFRAME: Readonly<Record<string, Timeframe>> = { '1m': '1M', '5m': '5M', '15m': '15M', '1h': '1H', '4h': '4H', '1d': '1D' };
const COVERAGE_SLACK_MS = 4 * 86_400_000;

export type BacktestFields = Omit<CreateBacktestInput, 'name'>;

export interface StrategyCatalog {
  find(name: string): StrategyDefinition | undefined;
  all(): readonly StrategyDefinition[];
}

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
  const definition = strategies.find(input.strategy);
  if (!definition) {
    const names = strategies.all().map((s) => s.name).join(', ');
    throw new DomainError('VALIDATION_FAILED', `Unknown strategy "${input.strategy}"; available: ${names}`, [{ path: 'strategy', message: `must be one of ${names}` }]);
  }
  const resolution = resolveConfig(definition, input.strategy_params);
  if (resolution.errors.length) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid strategy_params for ${definition.name}: ${resolution.errors.join('; ')}`,
      resolution.errors.map((message) => ({ path: 'strategy_params', message })),
    );
  }
  const timeframe = SPEC_TO_TIMEFRAME[input.timeframe] as Timeframe;
  const problems: ErrorDetail[] = [];
  input.symbols.forEach((symbol, k) => {
    const instrument = builtinInstrument(symbol);
    if (!instrument) {
      problems.push({ path: `symbols.${k}`, message: `No instrument data for ${symbol}: its point, lot and contract sizes are unknown` });
      return;
    }
    if (quoteToAccountRate(instrument, 'USD', 1) === undefined) {
      problems.push({ path: `symbols.${k}`, message: `${symbol} is quoted in ${instrument.quoteCurrency}: its P&L cannot be converted to USD without a ${instrument.quoteCurrency}USD series` });
      return;
    }
    const coverage = coverageProblem(cache, symbol, timeframe, input.timeframe, input.start_date, input.end_date);
    if (coverage) problems.push({ path: `symbols.${k}`, message: coverage });
  });
  if (problems.length) {
    const insufficient = problems.some((p) => p.message.startsWith('Insufficient'));
    throw new DomainError('VALIDATION_FAILED', insufficient ? `Insufficient historical data: ${problems.map((p) => p.message).join('; ')}` : problems.map((p) => p.message).join('; '), problems);
  }
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

function coverageProblem(cache: CandleCache, symbol: string, timeframe: Timeframe, spelling: string, start: number, end: number): string | undefined {
  const source = cache.source(symbol, timeframe);
  const requested = `requested_from ${isoTime(start)} to ${isoTime(end)}`;
  if (!source || source.range.first === null || source.range.last === null) {
    return `Insufficient historical data: no ${symbol} candles are stored (${spelling} or shorter); import them with npm run import; ${requested}`;
  }
  const first = source.range.first;
  const last = source.range.last + TIMEFRAME_MS[source.timeframe];
  const available = `available_from ${isoTime(first)} to ${isoTime(last)} (${source.timeframe}${source.resampled ? `, aggregated to ${spelling}` : ''})`;
  if (first >= end || last <= start || first > start + COVERAGE_SLACK_MS || last < end - COVERAGE_SLACK_MS) {
    return `Insufficient historical data for ${symbol} ${spelling}: ${available}; ${requested}`;
  }
  return undefined;
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
