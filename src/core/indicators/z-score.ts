import { RollingMoments } from './internal/rolling-moments';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/**
 * z-score of the latest input against the last N (itself included): z = (x_t − mean) / σ, with the POPULATION
 * standard deviation, and z = 0 for a flat window. Numerics: see RollingMoments. First value after N inputs.
 */
export class ZScore implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  private readonly moments: RollingMoments;

  constructor(readonly period: number) {
    assertPeriod('z-score', period);
    this.warmUpPeriod = period;
    this.moments = new RollingMoments(period);
  }

  get value(): number | undefined {
    return this.moments.isFull ? this.moments.zScore : undefined;
  }

  get isReady(): boolean {
    return this.moments.isFull;
  }

  update(input: number): number | undefined {
    this.moments.add(input);
    return this.moments.isFull ? this.moments.zScore : undefined;
  }

  reset(): void {
    this.moments.clear();
  }
}
