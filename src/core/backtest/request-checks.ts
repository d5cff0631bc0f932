import type { CreateBacktestInput } from '../../shared/contract/backtest';
import { DomainError, type ErrorDetail } from '../../shared/contract/errors';
import { TIMEFRAME_MS, type Timeframe } from '../domain/candles';
import { ACCOUNT_CURRENCY, accountRate } from '../domain/account-currency';
import { builtinInstrument } from '../domain/instruments';
import { resolveConfig, type ConfigResolution } from '../strategies/params';
import type { StrategyDefinition } from '../strategies/strategy';
import type { CandleCache } from './candle-cache';
import { isoTime } from './run-backtest';

/**
 * The checks every backtest request passes, whether it comes from /api/backtest/ or from an optimization,
 * walk-forward or Monte Carlo job: a known strategy, valid strategy_params, symbols with instrument data whose P&L
 * converts to USD, and stored data covering the range. 4 days of slack at the edges leave room for weekends.
 */

export const SPEC_TO_TIMEFRAME: Readonly<Record<string, Timeframe>> = { '1m': '1M', '5m': '5M', '15m': '15M', '1h': '1H', '4h': '4H', '1d': '1D' };
const COVERAGE_SLACK_MS = 4 * 86_400_000;

export interface StrategyCatalog {
  find(name: string): StrategyDefinition | undefined;
  all(): readonly StrategyDefinition[];
}

export interface CheckedRequest {
  definition: StrategyDefinition;
  resolution: ConfigResolution;
  timeframe: Timeframe;
}

export function checkBacktestRequest(input: Omit<CreateBacktestInput, 'name'>, cache: CandleCache, strategies: StrategyCatalog): CheckedRequest {
  const definition = strategies.find(input.strategy);
  if (!definition) {
    const names = strategies.all().map((s) => s.name).join(', ');
    throw new DomainError('VALIDATION_FAILED', `Unknown strategy "${input.strategy}"; available: ${names}`, [{ path: 'strategy', message: `must be one of ${names}` }]);
  }
  const timeframe = SPEC_TO_TIMEFRAME[input.timeframe] as Timeframe;
  const resolution = resolveConfig(definition, input.strategy_params, timeframe);
  if (resolution.errors.length) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid strategy_params for ${definition.name}: ${resolution.errors.join('; ')}`,
      resolution.errors.map((message) => ({ path: 'strategy_params', message })),
    );
  }
  const problems: ErrorDetail[] = [];
  input.symbols.forEach((symbol, k) => {
    const instrument = builtinInstrument(symbol);
    if (!instrument) {
      problems.push({ path: `symbols.${k}`, message: `No instrument data for ${symbol}: its point, lot and contract sizes are unknown` });
      return;
    }
    if (accountRate(instrument, 1) === undefined) {
      problems.push({
        path: `symbols.${k}`,
        message: `${symbol} is quoted in ${instrument.quoteCurrency}: its P&L cannot be converted to ${ACCOUNT_CURRENCY} without a ${instrument.quoteCurrency}${ACCOUNT_CURRENCY} series`,
      });
      return;
    }
    const coverage = coverageProblem(cache, symbol, timeframe, input.timeframe, input.start_date, input.end_date);
    if (coverage) problems.push({ path: `symbols.${k}`, message: coverage });
  });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', problems.map((p) => p.message).join('; '), problems);
  return { definition, resolution, timeframe };
}

/** Why the stored candles do not cover [start, end) for a symbol, or undefined when they do. */
export function coverageProblem(cache: CandleCache, symbol: string, timeframe: Timeframe, spelling: string, start: number, end: number): string | undefined {
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
