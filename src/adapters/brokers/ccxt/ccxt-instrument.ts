import type { MarketInterface } from 'ccxt';
import { TIMEFRAME_MS, type Timeframe } from '../../../core/domain/candles';
import { builtinInstrument, type Instrument } from '../../../core/domain/instruments';

/** ccxt's precision modes (ccxt.DECIMAL_PLACES, SIGNIFICANT_DIGITS, TICK_SIZE). */
const DECIMAL_PLACES = 2;
const SIGNIFICANT_DIGITS = 3;

/** The workstation's timeframes in ccxt's spelling ("1M" here is one minute; ccxt's "1M" would be a month). */
export const CCXT_TIMEFRAME: Readonly<Record<Timeframe, string>> = {
  '1M': '1m',
  '5M': '5m',
  '15M': '15m',
  '1H': '1h',
  '4H': '4h',
  '1D': '1d',
};

export const timeframeMs = (timeframe: Timeframe): number => TIMEFRAME_MS[timeframe];

/** A precision value as a step: TICK_SIZE markets give the step itself, DECIMAL_PLACES markets the number of decimals. */
export function stepOf(precision: number | undefined, mode: number): number | undefined {
  if (precision === undefined || precision === null || !Number.isFinite(precision)) return undefined;
  if (mode === DECIMAL_PLACES) return 10 ** -precision;
  if (mode === SIGNIFICANT_DIGITS) return undefined;
  return precision;
}

/** Decimals a step shows: 0.01 → 2, 0.00001 → 5, 1 → 0, 0.5 → 1. */
export function decimalsOf(step: number): number {
  if (!(step > 0)) return 0;
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 12;
}

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * An Instrument from a ccxt market. 1 lot = 1 unit of ccxt's `amount`: one coin of the base on spot markets, one
 * contract on derivatives (contractSize says how much base a contract is). Price step → digits/point; amount step and
 * limits → lot step and limits. pipSize: the built-in catalog's where it knows the pair (BTC/USDT: 1 USDT), else one
 * price step.
 */
export function instrumentFromMarket(market: MarketInterface, precisionMode: number): Instrument {
  const priceStep = stepOf(finite(market.precision?.price), precisionMode) ?? 0.01;
  const amountStep = stepOf(finite(market.precision?.amount), precisionMode) ?? 1e-8;
  const digits = decimalsOf(priceStep);
  const known = builtinInstrument(market.symbol);
  const minAmount = finite(market.limits?.amount?.min);
  const maxAmount = finite(market.limits?.amount?.max);
  return {
    symbol: market.symbol,
    assetClass: 'crypto',
    baseCurrency: market.base,
    quoteCurrency: market.quote,
    digits,
    point: Number((10 ** -digits).toFixed(digits)),
    pipSize: known?.assetClass === 'crypto' ? known.pipSize : priceStep,
    contractSize: finite(market.contractSize) ?? 1,
    minLot: minAmount !== undefined && minAmount > 0 ? minAmount : amountStep,
    lotStep: amountStep,
    maxLot: maxAmount !== undefined && maxAmount > 0 ? maxAmount : 1e9,
  };
}
