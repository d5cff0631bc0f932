/**
 * The last `capacity` values of a series in a fixed Float64Array. Pushing into a full buffer overwrites the oldest
 * value and hands it back, which is what a rolling window needs to subtract it.
 */
export class RingBuffer {
  private readonly slots: Float64Array;
  /** Slot the next push writes; also the oldest value's slot once the buffer is full. */
  private nextSlot = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count === this.capacity;
  }

  /** True right after the push that filled the buffer and then after every `capacity` further pushes. */
  get hasJustWrapped(): boolean {
    return this.nextSlot === 0 && this.count > 0;
  }

  /** Appends `value`; returns the value it evicted, or undefined while the buffer was not yet full. */
  push(value: number): number | undefined {
    const slot = this.nextSlot;
    const evicted = this.count === this.capacity ? this.slots[slot] : undefined;
    this.slots[slot] = value;
    this.nextSlot = slot + 1 === this.capacity ? 0 : slot + 1;
    if (evicted === undefined) this.count++;
    return evicted;
  }

  /** The value `age` pushes ago counted from the oldest held: 0 is the oldest, length − 1 the newest. */
  fromOldest(age: number): number {
    const start = this.count === this.capacity ? this.nextSlot : 0;
    const slot = start + age;
    return this.slots[slot < this.capacity ? slot : slot - this.capacity] as number;
  }

  clear(): void {
    this.nextSlot = 0;
    this.count = 0;
  }
}
