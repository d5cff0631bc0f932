/**
 * The last `capacity` values of a series in a fixed Float64Array. Once full, each push overwrites the oldest value;
 * read `oldest` before pushing to subtract it from a rolling sum.
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

  /** The value the next push will overwrite (meaningful once full). */
  get oldest(): number {
    return this.slots[this.nextSlot] as number;
  }

  /** True right after the push that filled the buffer and then after every `capacity` further pushes. */
  get hasJustWrapped(): boolean {
    return this.nextSlot === 0 && this.count > 0;
  }

  push(value: number): void {
    const slot = this.nextSlot;
    this.slots[slot] = value;
    this.nextSlot = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** The value `age` pushes after the oldest one held: 0 is the oldest, length − 1 the newest. */
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
