import { assertPeriod } from './internal/validate';
import { trueRange } from './true-range';
import { WilderMovingAverage } from './wilder-moving-average';
import type { HighLowClose, Indicator } from './types';

/**
 * Average True Range (Wilder): Wilder's moving average of the true range over N bars.
 * The first bar's true range is its high − low (no previous close), so the first ATR — the plain mean of the first N
 * true ranges — comes after N bars (the TradingView convention; TA-Lib skips the first bar and starts one bar later).
 */
export class AverageTrueRange implements Indicator<HighLowClose, number> {
  readonly warmUpPeriod: number;
  private readonly average: WilderMovingAverage;
  private previousClose = 0;
  private hasPreviousClose = false;

  constructor(readonly period: number) {
    assertPeriod('ATR', period);
    this.warmUpPeriod = period;
    this.average = new WilderMovingAverage(period);
  }

  get value(): number | undefined {
    return this.average.value;
  }

  get isReady(): boolean {
    return this.average.isReady;
  }

  update(bar: HighLowClose): number | undefined {
    const range = this.hasPreviousClose ? trueRange(bar, this.previousClose) : bar.high - bar.low;
    this.previousClose = bar.close;
    this.hasPreviousClose = true;
    return this.average.update(range);
  }

  reset(): void {
    this.average.reset();
    this.previousClose = 0;
    this.hasPreviousClose = false;
  }
}
