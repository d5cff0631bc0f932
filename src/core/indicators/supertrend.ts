import { AverageTrueRange } from './average-true-range';
import { assertPositive } from './internal/validate';
import type { HighLowClose, Indicator, TrendDirection } from './types';

export interface SupertrendValue {
  /** The trailing stop line: the lower band in an uptrend, the upper band in a downtrend. */
  readonly level: number;
  readonly direction: TrendDirection;
}

/**
 * Supertrend, default ATR period 10 and multiplier 3, as TradingView's `ta.supertrend` computes it (with the
 * direction sign flipped to read naturally: 1 = up).
 *
 * Basic bands: (high + low)/2 ± multiplier·ATR (ATR as in AverageTrueRange). The final lower band only ratchets up —
 * it keeps its previous value unless the new basic band is higher or the previous close fell below it — and the
 * final upper band only ratchets down likewise. In a downtrend the close crossing above the upper band turns the
 * trend up; in an uptrend a close below the lower band turns it down. The first value (when ATR first exists)
 * starts as a downtrend, like TradingView, and follows the price from the first crossing on.
 */
export class Supertrend implements Indicator<HighLowClose, SupertrendValue> {
  readonly warmUpPeriod: number;
  private readonly averageTrueRange: AverageTrueRange;
  private upperBand = 0;
  private lowerBand = 0;
  private previousClose = 0;
  private current: SupertrendValue | undefined;

  constructor(
    readonly atrPeriod = 10,
    readonly multiplier = 3,
  ) {
    assertPositive('Supertrend', 'multiplier', multiplier);
    this.averageTrueRange = new AverageTrueRange(atrPeriod);
    this.warmUpPeriod = this.averageTrueRange.warmUpPeriod;
  }

  get value(): SupertrendValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(bar: HighLowClose): SupertrendValue | undefined {
    const atr = this.averageTrueRange.update(bar);
    const previousClose = this.previousClose;
    this.previousClose = bar.close;
    if (atr === undefined) return undefined;

    const middle = (bar.high + bar.low) / 2;
    let upper = middle + this.multiplier * atr;
    let lower = middle - this.multiplier * atr;
    const previous = this.current;
    let direction: TrendDirection = -1;
    if (previous !== undefined) {
      if (!(lower > this.lowerBand || previousClose < this.lowerBand)) lower = this.lowerBand;
      if (!(upper < this.upperBand || previousClose > this.upperBand)) upper = this.upperBand;
      if (previous.direction === -1) direction = bar.close > upper ? 1 : -1;
      else direction = bar.close < lower ? -1 : 1;
    }
    this.upperBand = upper;
    this.lowerBand = lower;
    this.current = { level: direction === 1 ? lower : upper, direction };
    return this.current;
  }

  reset(): void {
    this.averageTrueRange.reset();
    this.upperBand = 0;
    this.lowerBand = 0;
    this.previousClose = 0;
    this.current = undefined;
  }
}
