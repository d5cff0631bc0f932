import { RingBuffer } from './ring-buffer';

/**
 * Sum of the last `period` values, O(1) amortized per update.
 *
 * Why not just `sum += new − old`: every add and subtract rounds, and over millions of bars those errors random-walk
 * without bound, so a long-running sum would drift from the window it stands for (badly so for a series that swings
 * around zero). Instead, each time the window has been entirely replaced (every `period` updates) the sum is
 * recomputed from the window itself, so its error never reflects more than about 2·period roundings — the same as
 * summing the window from scratch. Cost: `period` additions once per `period` updates.
 *
 * A window of zeros sums to exactly 0 (tracked with a count of non-zero values), so a caller can test `sum === 0`
 * without rounding residue from values that left the window.
 */
export class RollingSum {
  private readonly window: RingBuffer;
  private runningSum = 0;
  private nonZeroCount = 0;

  constructor(readonly period: number) {
    this.window = new RingBuffer(period);
  }

  get isFull(): boolean {
    return this.window.isFull;
  }

  get sum(): number {
    return this.nonZeroCount === 0 ? 0 : this.runningSum;
  }

  add(value: number): void {
    if (this.window.isFull) {
      const evicted = this.window.oldest;
      if (evicted !== 0) this.nonZeroCount--;
      this.runningSum += value - evicted;
    } else {
      this.runningSum += value;
    }
    if (value !== 0) this.nonZeroCount++;
    this.window.push(value);
    if (this.window.hasJustWrapped) this.recomputeFromWindow();
  }

  clear(): void {
    this.window.clear();
    this.runningSum = 0;
    this.nonZeroCount = 0;
  }

  private recomputeFromWindow(): void {
    let sum = 0;
    for (let age = 0; age < this.window.length; age++) sum += this.window.fromOldest(age);
    this.runningSum = sum;
  }
}
