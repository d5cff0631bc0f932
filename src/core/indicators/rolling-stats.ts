import { RollingMoments } from './internal/rolling-moments';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

export interface RollingStatsValue {
  /** Mean of the last N inputs. */
  readonly mean: number;
  /** POPULATION variance: Σ(x − mean)² / N (divides by N, not N − 1, like Bollinger's bands and TA-Lib's STDDEV). */
  readonly variance: number;
  /** √variance. */
  readonly standardDeviation: number;
  /** (latest input − mean) / standardDeviation, or 0 when the window is flat (σ = 0). */
  readonly zScore: number;
}

/**
 * Rolling mean, population standard deviation and z-score of the last N inputs (e.g. closes), O(1) amortized per
 * update and numerically stable over millions of bars at any price level: see RollingMoments for how.
 * First value after N inputs.
 */
export class RollingStats implements Indicator<number, RollingStatsValue> {
  readonly warmUpPeriod: number;
  private readonly moments: RollingMoments;
  private current: RollingStatsValue | undefined;

  constructor(readonly period: number) {
    assertPeriod('Rolling stats', period);
    this.warmUpPeriod = period;
    this.moments = new RollingMoments(period);
  }

  get value(): RollingStatsValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): RollingStatsValue | undefined {
    const moments = this.moments;
    moments.add(input);
    if (!moments.isFull) return undefined;
    this.current = {
      mean: moments.mean,
      variance: moments.variance,
      standardDeviation: moments.standardDeviation,
      zScore: moments.zScore,
    };
    return this.current;
  }

  reset(): void {
    this.moments.clear();
    this.current = undefined;
  }
}
