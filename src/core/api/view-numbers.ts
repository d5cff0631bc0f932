import { builtinInstrument } from '../domain/instruments';

/**
 * Numbers as an API answer shows them, rounded once at the view boundary (never inside the engine, which keeps
 * full precision for its own sums): prices to the instrument's digits, money to cents, lots to 8 places.
 * 1.0437400000000001 → 1.04374; 806.6000000000001 → 806.6.
 */

/** `value` rounded to `digits` decimals, without binary noise. */
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** A price as the instrument quotes it (its digits); unknown symbols keep 12 significant digits (no binary noise). */
export function px(symbol: string, price: number, digits?: number): number;
export function px(symbol: string, price: number | null, digits?: number): number | null;
export function px(symbol: string, price: number | null, digits?: number): number | null {
  if (price === null || !Number.isFinite(price)) return price;
  const d = digits ?? builtinInstrument(symbol)?.digits;
  return d === undefined ? Number(price.toPrecision(12)) : round(price, d);
}

/** Money (USD) to the cent. */
export function money(value: number): number;
export function money(value: number | null): number | null;
export function money(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? value : round(value, 2);
}

/** Lots: the broker's steps are at most 8 decimals (crypto); this only removes binary noise (0.30000000000000004). */
export function lotsOf(lots: number): number {
  return round(lots, 8);
}
