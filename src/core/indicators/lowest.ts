import { SlidingMaximum } from './internal/sliding-maximum';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/**
 * Lowest value of the last N inputs (feed lows for the lowest low). The minimum is the negated maximum of the
 * negated inputs — negation is exact in floating point — so it shares Highest's monotonic deque: O(1) amortized.
 * First value after N inputs.
 */
export class Lowest implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  private readonly maximumOfNegated: SlidingMaximum;
  private current = 0;

  constructor(readonly period: number) {
    assertPeriod('Lowest', period);
    this.warmUpPeriod = period;
    this.maximumOfNegated = new SlidingMaximum(period);
  }

  get value(): number | undefined {
    return this.maximumOfNegated.isFull ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.maximumOfNegated.isFull;
  }

  update(input: number): number | undefined {
    this.current = -this.maximumOfNegated.push(-input);
    return this.maximumOfNegated.isFull ? this.current : undefined;
  }

  reset(): void {
    this.maximumOfNegated.clear();
    this.current = 0;
  }
}
