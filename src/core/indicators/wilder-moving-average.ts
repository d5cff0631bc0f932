import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/**
 * Wilder's moving average (also called RMA or SMMA), the smoothing inside RSI, ATR and ADX:
 * seeded with the SMA of the first N inputs, then avg_t = (avg_{t−1}·(N − 1) + x_t) / N,
 * i.e. an EMA with α = 1/N. Computed as `prev + (x − prev)/N`: same value, one rounding fewer, and a constant
 * series stays exactly constant (the seed is a running mean for the same reason).
 */
export class WilderMovingAverage implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  /** Inputs seen, counted up to N (then the average is seeded). */
  private seedCount = 0;
  /** The running mean of the first inputs until seeded, then the average. */
  private current = 0;

  constructor(readonly period: number) {
    assertPeriod('Wilder moving average', period);
    this.warmUpPeriod = period;
  }

  get value(): number | undefined {
    return this.seedCount === this.period ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.seedCount === this.period;
  }

  update(input: number): number | undefined {
    if (this.seedCount === this.period) {
      this.current += (input - this.current) / this.period;
      return this.current;
    }
    // Running mean of the first N inputs (exactly x for a constant series, where Σx/N may be off by an ulp).
    this.seedCount++;
    this.current += (input - this.current) / this.seedCount;
    return this.seedCount === this.period ? this.current : undefined;
  }

  reset(): void {
    this.seedCount = 0;
    this.current = 0;
  }
}
