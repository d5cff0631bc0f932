import { RepeatCounter } from './internal/repeat-counter';
import { RollingSum } from './internal/rolling-sum';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/**
 * Simple moving average: SMA_t = (x_t + x_{t−1} + … + x_{t−N+1}) / N.
 * First value after N inputs. The window sum is re-anchored every N bars (see RollingSum), so accuracy does not
 * degrade over millions of bars. A window of one repeated value averages to exactly that value (see RepeatCounter).
 */
export class SimpleMovingAverage implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  private readonly windowSum: RollingSum;
  private readonly repeats: RepeatCounter;
  private current = 0;

  constructor(readonly period: number) {
    assertPeriod('SMA', period);
    this.warmUpPeriod = period;
    this.windowSum = new RollingSum(period);
    this.repeats = new RepeatCounter(period);
  }

  get value(): number | undefined {
    return this.windowSum.isFull ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.windowSum.isFull;
  }

  update(input: number): number | undefined {
    return this.advance(input) ? this.current : undefined;
  }

  /**
   * The hot-path form of update: feeds one input and says whether a value is ready (read it from `value`).
   * Returning a boolean instead of a double keeps a non-inlined call from allocating a heap number per bar.
   */
  advance(input: number): boolean {
    this.windowSum.add(input);
    const isFlat = this.repeats.isWindowFlat(input);
    if (!this.windowSum.isFull) return false;
    this.current = isFlat ? input : this.windowSum.sum / this.period;
    return true;
  }

  /** The latest value, or NaN while warming up (for comparisons in hot loops without a boxed undefined/number). */
  get valueOrNaN(): number {
    return this.windowSum.isFull ? this.current : Number.NaN;
  }

  reset(): void {
    this.windowSum.clear();
    this.repeats.clear();
    this.current = 0;
  }
}
