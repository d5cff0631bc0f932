import type { Indicator, OpenHighLowClose } from './types';

export interface HeikinAshiCandle {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/**
 * Heikin-Ashi candles: close = (O + H + L + C)/4; open = (previous HA open + previous HA close)/2, the first one
 * (O + C)/2 of the first bar; high = max(H, HA open, HA close); low = min(L, HA open, HA close).
 * A value from the first bar on.
 */
export class HeikinAshi implements Indicator<OpenHighLowClose, HeikinAshiCandle> {
  readonly warmUpPeriod = 1;
  private current: HeikinAshiCandle | undefined;

  get value(): HeikinAshiCandle | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(bar: OpenHighLowClose): HeikinAshiCandle | undefined {
    const previous = this.current;
    const open = previous === undefined ? (bar.open + bar.close) / 2 : (previous.open + previous.close) / 2;
    const close = (bar.open + bar.high + bar.low + bar.close) / 4;
    this.current = {
      open,
      high: Math.max(bar.high, open, close),
      low: Math.min(bar.low, open, close),
      close,
    };
    return this.current;
  }

  reset(): void {
    this.current = undefined;
  }
}
