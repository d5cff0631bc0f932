import { assertPeriod } from './internal/validate';
import { WilderMovingAverage } from './wilder-moving-average';
import type { Indicator } from './types';

/**
 * Relative Strength Index (Wilder): with change_t = close_t − close_{t−1}, gain = max(change, 0) and
 * loss = max(−change, 0), both smoothed with Wilder's average over N (seeded with the mean of the first N changes),
 * RSI = 100 − 100 / (1 + avgGain/avgLoss), computed as 100·avgGain / (avgGain + avgLoss) (the same value, with no
 * division by zero when there were no losses: RSI = 100).
 * When nothing moved at all (avgGain = avgLoss = 0) RSI is 50, neutral, rather than 0/0.
 * First value after N + 1 closes (N changes).
 */
export class RelativeStrengthIndex implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  private readonly averageGain: WilderMovingAverage;
  private readonly averageLoss: WilderMovingAverage;
  private previousClose = 0;
  private hasPreviousClose = false;
  private current = 0;

  constructor(readonly period: number) {
    assertPeriod('RSI', period);
    this.warmUpPeriod = period + 1;
    this.averageGain = new WilderMovingAverage(period);
    this.averageLoss = new WilderMovingAverage(period);
  }

  get value(): number | undefined {
    return this.averageGain.isReady ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.averageGain.isReady;
  }

  update(close: number): number | undefined {
    const change = close - this.previousClose;
    const isFirstClose = !this.hasPreviousClose;
    this.previousClose = close;
    this.hasPreviousClose = true;
    if (isFirstClose) return undefined;
    const gain = this.averageGain.update(change > 0 ? change : 0);
    const loss = this.averageLoss.update(change < 0 ? -change : 0);
    if (gain === undefined || loss === undefined) return undefined;
    const total = gain + loss;
    this.current = total === 0 ? 50 : (100 * gain) / total;
    return this.current;
  }

  reset(): void {
    this.averageGain.reset();
    this.averageLoss.reset();
    this.previousClose = 0;
    this.hasPreviousClose = false;
    this.current = 0;
  }
}
