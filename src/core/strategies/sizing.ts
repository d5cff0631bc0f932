import { accountRate } from '../domain/account-currency';
import type { Instrument } from '../domain/instruments';

/**
 * Small price and money helpers shared by the built-in strategies.
 *
 * Account currency: risk sizing values a move with the one account-currency rate (domain/account-currency.ts):
 * quote = account → 1, base = account (USDJPY, USDCHF) → 1/price. The strategy context carries no cross rate, so
 * crosses (EURGBP, EURJPY, …) have none here; sizing by risk refuses them instead of guessing.
 */

/** Rounds a price to the instrument's digits, as a broker requires for TP/SL levels. */
export function roundPrice(instrument: Instrument, price: number): number {
  return Number(price.toFixed(instrument.digits));
}

/** Account-currency money per 1.0 price unit per 1.0 lot at `price`, or undefined when it cannot be known here. */
export function moneyPerPriceUnitPerLot(instrument: Instrument, price: number): number | undefined {
  const rate = accountRate(instrument, price);
  return rate === undefined ? undefined : instrument.contractSize * rate;
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
