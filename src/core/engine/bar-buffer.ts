import type { Candle } from '../domain/candles';
import type { BarsView } from '../strategies/strategy';

/**
 * The bars a live task keeps: an append-only columnar window. When full, the older half is dropped, so indices
 * shift: strategies use `index` only within one onBar call (their indicators are incremental).
 */
export class BarBuffer implements BarsView {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length = 0;

  constructor(private readonly capacity = 20_000) {
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  /** Appends a bar and returns its index. */
  push(bar: Candle): number {
    if (this.length === this.capacity) {
      const keep = this.capacity >> 1;
      for (const column of [this.time, this.open, this.high, this.low, this.close, this.volume]) {
        column.copyWithin(0, this.length - keep, this.length);
      }
      this.length = keep;
    }
    const i = this.length++;
    this.time[i] = bar.time;
    this.open[i] = bar.open;
    this.high[i] = bar.high;
    this.low[i] = bar.low;
    this.close[i] = bar.close;
    this.volume[i] = bar.volume;
    return i;
  }

  last(): Candle | undefined {
    const i = this.length - 1;
    if (i < 0) return undefined;
    return { time: this.time[i]!, open: this.open[i]!, high: this.high[i]!, low: this.low[i]!, close: this.close[i]!, volume: this.volume[i]! };
  }
}
