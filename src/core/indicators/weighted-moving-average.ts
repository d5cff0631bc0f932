import { RepeatCounter } from './internal/repeat-counter';
import { RingBuffer } from './internal/ring-buffer';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/**
 * Linearly weighted moving average: WMA_t = (N·x_t + (N−1)·x_{t−1} + … + 1·x_{t−N+1}) / (N(N+1)/2).
 *
 * O(1) per bar from two running sums over the window, S = Σx and W = Σ weight·x: when the window slides, every
 * weight drops by one (W −= S, which also removes the oldest value, whose weight was 1) and the new value enters
 * with weight N. Both sums are recomputed from the window every N bars so rounding cannot accumulate (see RollingSum).
 * A window of one repeated value averages to exactly that value (see RepeatCounter).
 */
export class WeightedMovingAverage implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  private readonly window: RingBuffer;
  private readonly weightTotal: number;
  private readonly repeats: RepeatCounter;
  private plainSum = 0;
  private weightedSum = 0;
  private current = 0;

  constructor(readonly period: number) {
    assertPeriod('WMA', period);
    this.warmUpPeriod = period;
    this.window = new RingBuffer(period);
    this.weightTotal = (period * (period + 1)) / 2;
    this.repeats = new RepeatCounter(period);
  }

  get value(): number | undefined {
    return this.window.isFull ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.window.isFull;
  }

  update(input: number): number | undefined {
    if (this.window.isFull) {
      this.weightedSum += this.period * input - this.plainSum;
      this.plainSum += input - this.window.oldest;
    } else {
      this.weightedSum += (this.window.length + 1) * input;
      this.plainSum += input;
    }
    this.window.push(input);
    if (this.window.hasJustWrapped) this.recomputeFromWindow();
    const isFlat = this.repeats.isWindowFlat(input);
    if (!this.window.isFull) return undefined;
    this.current = isFlat ? input : this.weightedSum / this.weightTotal;
    return this.current;
  }

  reset(): void {
    this.window.clear();
    this.repeats.clear();
    this.plainSum = 0;
    this.weightedSum = 0;
    this.current = 0;
  }

  private recomputeFromWindow(): void {
    let plain = 0;
    let weighted = 0;
    for (let age = 0; age < this.period; age++) {
      const value = this.window.fromOldest(age);
      plain += value;
      weighted += (age + 1) * value;
    }
    this.plainSum = plain;
    this.weightedSum = weighted;
  }
}
