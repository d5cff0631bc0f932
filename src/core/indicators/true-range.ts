import type { HighLow } from './types';

/**
 * Wilder's true range: the bar's range extended to the previous close when the bar gapped away from it,
 * TR = max(high − low, |high − prevClose|, |low − prevClose|). For the first bar (no previous close) TR = high − low.
 */
export function trueRange(bar: HighLow, previousClose: number | undefined): number {
  const range = bar.high - bar.low;
  if (previousClose === undefined) return range;
  return Math.max(range, Math.abs(bar.high - previousClose), Math.abs(bar.low - previousClose));
}
