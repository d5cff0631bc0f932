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
  /** Inputs seen, counted up to N (then the average is seeded). */
  private seedCount = 0;
  /** The running mean of the first inputs until seeded, then the average. */
  private current = 0;

  constructor(readonly period: number) {
    assertPeriod('EMA', period);
    this.warmUpPeriod = period;
    this.smoothing = 2 / (period + 1);
  }

  get value(): number | undefined {
    return this.seedCount === this.period ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.seedCount === this.period;
  }

  update(input: number): number | undefined {
    return this.advance(input) ? this.current : undefined;
  }

  /** The hot-path form of update (see SimpleMovingAverage.advance): true once a value is ready in `value`. */
  advance(input: number): boolean {
    if (this.seedCount === this.period) {
      this.current += this.smoothing * (input - this.current);
      return true;
    }
    // Running mean of the first N inputs (exactly x for a constant series, where Σx/N may be off by an ulp).
    this.seedCount++;
    this.current += (input - this.current) / this.seedCount;
    return this.seedCount === this.period;
  }

  /** The latest value, or NaN while warming up. */
  get valueOrNaN(): number {
    return this.seedCount === this.period ? this.current : Number.NaN;
  }

  reset(): void {
    this.seedCount = 0;
    this.current = 0;
  }
}
