/**
 * Maximum of the last `period` values with a monotonic deque, O(1) amortized per push.
 *
 * The deque holds, oldest first, only the values that can still become the maximum: each is strictly greater than
 * every value pushed after it. A new value removes the smaller-or-equal ones from the back (they can never be the
 * maximum again: the new value is larger and leaves the window later), and the front drops out once it is older than
 * the window. The front is therefore the window's maximum. Each value enters and leaves the deque once.
 * Storage is a circular pair of typed arrays of `period` slots (values and their bar numbers): no allocation per bar.
 */
export class SlidingMaximum {
  private readonly values: Float64Array;
  private readonly barNumbers: Float64Array;
  private head = 0;
  private size = 0;
  private pushes = 0;

  constructor(readonly period: number) {
    this.values = new Float64Array(period);
    this.barNumbers = new Float64Array(period);
  }

  get isFull(): boolean {
    return this.pushes >= this.period;
  }

  /** Pushes `value` and returns the maximum of the last `period` values pushed (fewer while not full). */
  push(value: number): number {
    const capacity = this.period;
    const barNumber = this.pushes++;
    if (this.size > 0 && this.barNumbers[this.head] === barNumber - capacity) {
      this.head = this.head + 1 === capacity ? 0 : this.head + 1;
      this.size--;
    }
    while (this.size > 0 && (this.values[this.slot(this.size - 1)] as number) <= value) this.size--;
    const tail = this.slot(this.size);
    this.values[tail] = value;
    this.barNumbers[tail] = barNumber;
    this.size++;
    return this.values[this.head] as number;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
    this.pushes = 0;
  }

  private slot(offset: number): number {
    const slot = this.head + offset;
    return slot < this.period ? slot : slot - this.period;
  }
}
