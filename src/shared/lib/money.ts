/**
 * Money is carried as integer cents everywhere inside the app; decimal amounts exist only at the edges
 * (JSON in and out). Nothing here rounds silently: callers that must round get told by how much.
 */

/**
 * True when `amount` is exactly the double nearest to a decimal with at most two places — what JSON's "9000.12"
 * parses to. A third decimal (9000.123) fails at any size; no tolerance, so nothing is rounded behind anyone's back.
 */
export function isWholeCents(amount: number): boolean {
  if (!Number.isFinite(amount)) return false;
  return Math.round(amount * 100) / 100 === amount;
}

/** Converts an amount that has already been checked with isWholeCents. */
export function toCents(amount: number): number {
  if (!isWholeCents(amount)) {
    throw new RangeError(`${amount} has more than two decimal places`);
  }
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** Splits `totalCents` into `parts` amounts that add up exactly; the leftover cents go to the first parts. */
export function splitEvenly(totalCents: number, parts: number): number[] {
  if (!Number.isInteger(totalCents) || !Number.isInteger(parts) || parts <= 0) {
    throw new RangeError('splitEvenly needs integer cents and a positive number of parts');
  }
  const base = Math.floor(totalCents / parts);
  const leftover = totalCents - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < leftover ? 1 : 0));
}

/** `percentage` % of `baseCents`, rounded half-up to the cent, with the exact value kept for reporting. */
export function percentOfCents(baseCents: number, percentage: number): { cents: number; exactCents: number } {
  const exactCents = (baseCents * percentage) / 100;
  // Snap away floating-point noise (60 % of 600000 must be exactly 360000) before rounding.
  const snapped = Math.round(exactCents * 1e6) / 1e6;
  return { cents: Math.round(snapped), exactCents: snapped };
}

/** Ratio as a percentage with 4 decimals, for display and API output. Percentages are not money. */
export function percentage(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Math.round((part / whole) * 100 * 10000) / 10000;
}

export function formatMoney(cents: number, currency = 'USD'): string {
  const amount = cents / 100;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2 }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
