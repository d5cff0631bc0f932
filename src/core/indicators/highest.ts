import { SlidingMaximum } from './internal/sliding-maximum';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/**
 * Highest value of the last N inputs (feed highs for the highest high, as in Donchian channels), via a monotonic
 * deque: O(1) amortized per bar, no rescanning of the window. First value after N inputs.
 */
export class Highest implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  private readonly maximum: SlidingMaximum;
  private current = 0;

  constructor(readonly period: number) {
    assertPeriod('Highest', period);
    this.warmUpPeriod = period;
    this.maximum = new SlidingMaximum(period);
  }

  get value(): number | undefined {
    return this.maximum.isFull ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.maximum.isFull;
  }

  update(input: number): number | undefined {
    this.current = this.maximum.push(input);
    return this.maximum.isFull ? this.current : undefined;
  }

  reset(): void {
    this.maximum.clear();
    this.current = 0;
  }
}
