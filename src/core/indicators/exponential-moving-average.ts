import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/**
 * Exponential moving average with α = 2 / (N + 1): EMA_t = EMA_{t−1} + α·(x_t − EMA_{t−1}).
 *
 * Seeding: the first value (after N inputs) is the SMA of the first N inputs, the usual convention (TA-Lib,
 * most charting packages). Seeding with the first input instead would give different values for many bars.
 * The update is written as `prev + α·(x − prev)` rather than `α·x + (1 − α)·prev`: same value, one rounding fewer,
 * and a constant series stays exactly constant (the seed is a running mean for the same reason).
 */
export class ExponentialMovingAverage implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  readonly smoothing: number;
  private seedMean = 0;
  private seedCount = 0;
  private current: number | undefined;

  constructor(readonly period: number) {
    assertPeriod('EMA', period);
    this.warmUpPeriod = period;
    this.smoothing = 2 / (period + 1);
  }

  get value(): number | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): number | undefined {
    if (this.current !== undefined) {
      this.current += this.smoothing * (input - this.current);
    } else {
      // Running mean of the first N inputs (exactly x for a constant series, where Σx/N may be off by an ulp).
      this.seedCount++;
      this.seedMean += (input - this.seedMean) / this.seedCount;
      if (this.seedCount === this.period) this.current = this.seedMean;
    }
    return this.current;
  }

  reset(): void {
    this.seedMean = 0;
    this.seedCount = 0;
    this.current = undefined;
  }
}
