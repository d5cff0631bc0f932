import type { HighLow } from './types';

/**
 * Wilder's true range: the bar's range extended to the previous close when the bar gapped away from it,
 * TR = max(high − low, |high − prevClose|, |low − prevClose|). The first bar of a series has no previous close:
 * its true range is taken as high − low.
 */
export function trueRange(bar: HighLow, previousClose: number): number {
  return Math.max(bar.high - bar.low, Math.abs(bar.high - previousClose), Math.abs(bar.low - previousClose));
}
