import type { Instrument } from '../domain/instruments';

/**
 * Small price and money helpers shared by the built-in strategies.
 *
 * Account currency: the strategy context does not carry the account currency or a cross rate, so risk sizing
 * assumes a USD account (the spec's portfolios are in USD): quote USD/USDT → 1, base USD (USDJPY, USDCHF) →
 * 1/price. Crosses (EURGBP, EURJPY, …) have no rate here; sizing by risk refuses them instead of guessing.
 */

/** Rounds a price to the instrument's digits, as a broker requires for TP/SL levels. */
export function roundPrice(instrument: Instrument, price: number): number {
  return Number(price.toFixed(instrument.digits));
}

/** Account (USD) money per 1.0 price unit per 1.0 lot at `price`, or undefined when it cannot be known here. */
export function moneyPerPriceUnitPerLot(instrument: Instrument, price: number): number | undefined {
  const quote = instrument.quoteCurrency === 'USDT' ? 'USD' : instrument.quoteCurrency;
  if (quote === 'USD') return instrument.contractSize;
  if (instrument.baseCurrency === 'USD') return instrument.contractSize / price;
  return undefined;
}

/** True when risk sizing can price this instrument (see moneyPerPriceUnitPerLot). */
export function canSizeByRisk(instrument: Instrument): boolean {
  return moneyPerPriceUnitPerLot(instrument, 1) !== undefined;
}

/** Lots rounded DOWN to the lot step (never more risk than asked), capped at the maximum; may be below the minimum. */
export function floorLots(instrument: Instrument, lots: number): number {
  const steps = Math.floor(lots / instrument.lotStep + 1e-9);
  return Math.min(Number((steps * instrument.lotStep).toFixed(8)), instrument.maxLot);
}
