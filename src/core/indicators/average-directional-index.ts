import { assertPeriod } from './internal/validate';
import { trueRange } from './true-range';
import { WilderMovingAverage } from './wilder-moving-average';
import type { HighLowClose, Indicator } from './types';

export interface AverageDirectionalIndexValue {
  /** Wilder's moving average of DX over N bars: trend strength, 0–100, regardless of direction. */
  readonly adx: number;
  /** +DI = 100 · smoothed(+DM) / smoothed(TR). */
  readonly plusDi: number;
  /** −DI = 100 · smoothed(−DM) / smoothed(TR). */
  readonly minusDi: number;
}

/**
 * Average Directional Index with +DI and −DI (Wilder), default N = 14.
 *
 * From the second bar on: up = high − prevHigh, down = prevLow − low; +DM = up when up > down and up > 0, else 0;
 * −DM = down when down > up and down > 0, else 0; TR = true range. +DM, −DM and TR are each smoothed with Wilder's
 * average (seeded with the mean of the first N values; Wilder's running sums give the same ratios), then
 * +DI and −DI as above, DX = 100·|+DI − −DI| / (+DI + −DI), and ADX = Wilder's average of DX over N, seeded with the
 * mean of the first N DX values. The first value therefore needs 2N bars (N + 1 for the DIs, N − 1 more for ADX).
 * Degenerate bars: DI = 0 when smoothed TR = 0, DX = 0 when +DI + −DI = 0 (no directional movement at all).
 */
export class AverageDirectionalIndex implements Indicator<HighLowClose, AverageDirectionalIndexValue> {
  readonly warmUpPeriod: number;
  private readonly smoothedTrueRange: WilderMovingAverage;
  private readonly smoothedPlusMovement: WilderMovingAverage;
  private readonly smoothedMinusMovement: WilderMovingAverage;
  private readonly averageDx: WilderMovingAverage;
  private previousBar: { high: number; low: number; close: number } | undefined;
  private current: AverageDirectionalIndexValue | undefined;

  constructor(readonly period = 14) {
    assertPeriod('ADX', period);
    this.warmUpPeriod = 2 * period;
    this.smoothedTrueRange = new WilderMovingAverage(period);
    this.smoothedPlusMovement = new WilderMovingAverage(period);
    this.smoothedMinusMovement = new WilderMovingAverage(period);
    this.averageDx = new WilderMovingAverage(period);
  }

  get value(): AverageDirectionalIndexValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(bar: HighLowClose): AverageDirectionalIndexValue | undefined {
    const previous = this.previousBar;
    if (previous === undefined) {
      this.previousBar = { high: bar.high, low: bar.low, close: bar.close };
      return undefined;
    }
    const upMove = bar.high - previous.high;
    const downMove = previous.low - bar.low;
    const range = trueRange(bar, previous.close);
    previous.high = bar.high;
    previous.low = bar.low;
    previous.close = bar.close;

    const smoothedRange = this.smoothedTrueRange.update(range);
    const smoothedPlus = this.smoothedPlusMovement.update(upMove > downMove && upMove > 0 ? upMove : 0);
    const smoothedMinus = this.smoothedMinusMovement.update(downMove > upMove && downMove > 0 ? downMove : 0);
    if (smoothedRange === undefined || smoothedPlus === undefined || smoothedMinus === undefined) return undefined;

    const plusDi = smoothedRange === 0 ? 0 : (100 * smoothedPlus) / smoothedRange;
    const minusDi = smoothedRange === 0 ? 0 : (100 * smoothedMinus) / smoothedRange;
    const diSum = plusDi + minusDi;
    const dx = diSum === 0 ? 0 : (100 * Math.abs(plusDi - minusDi)) / diSum;
    const adx = this.averageDx.update(dx);
    if (adx === undefined) return undefined;
    this.current = { adx, plusDi, minusDi };
    return this.current;
  }

  reset(): void {
    this.smoothedTrueRange.reset();
    this.smoothedPlusMovement.reset();
    this.smoothedMinusMovement.reset();
    this.averageDx.reset();
    this.previousBar = undefined;
    this.current = undefined;
  }
}
