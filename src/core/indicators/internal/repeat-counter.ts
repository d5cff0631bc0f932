/**
 * Counts how many of the latest inputs are identical to the newest one (up to `period`), so a window average can
 * tell, exactly and in O(1), that its whole window is one repeated value — and return that value itself rather
 * than sum/N, which can differ from it in the last digit. On a stale or quiet feed that keeps "close > average"
 * from flickering on rounding noise.
 */
export class RepeatCounter {
  private latest = Number.NaN;
  private repeats = 0;

  constructor(readonly period: number) {}

  /** Records `input`; true when the last `period` inputs (this one included) were all equal to it. */
  isWindowFlat(input: number): boolean {
    this.repeats = input === this.latest ? Math.min(this.repeats + 1, this.period) : 1;
    this.latest = input;
    return this.repeats === this.period;
  }

  clear(): void {
    this.latest = Number.NaN;
    this.repeats = 0;
  }
}
