import { ExponentialMovingAverage } from './exponential-moving-average';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

export interface MacdValue {
  /** EMA(fast) − EMA(slow) of the input. */
  readonly macd: number;
  /** EMA(signal) of the MACD line. */
  readonly signal: number;
  /** macd − signal. */
  readonly histogram: number;
}

/**
 * Moving Average Convergence/Divergence (Appel), default 12/26/9.
 * Both EMAs start at the first input, each seeded with its own SMA (see ExponentialMovingAverage); the MACD line
 * exists once the slow EMA does (after `slow` inputs), and the signal EMA is seeded with the SMA of the first
 * `signal` MACD values. So the first value comes after slow + signal − 1 inputs.
 * (TA-Lib instead delays the fast EMA's seed to line up with the slow one; its first values differ slightly.)
 */
export class Macd implements Indicator<number, MacdValue> {
  readonly warmUpPeriod: number;
  private readonly fastAverage: ExponentialMovingAverage;
  private readonly slowAverage: ExponentialMovingAverage;
  private readonly signalAverage: ExponentialMovingAverage;
  private current: MacdValue | undefined;

  constructor(
    readonly fastPeriod = 12,
    readonly slowPeriod = 26,
    readonly signalPeriod = 9,
  ) {
    assertPeriod('MACD fast', fastPeriod);
    assertPeriod('MACD slow', slowPeriod);
    assertPeriod('MACD signal', signalPeriod);
    if (fastPeriod >= slowPeriod) {
      throw new RangeError(`MACD: the fast period (${fastPeriod}) must be shorter than the slow one (${slowPeriod})`);
    }
    this.fastAverage = new ExponentialMovingAverage(fastPeriod);
    this.slowAverage = new ExponentialMovingAverage(slowPeriod);
    this.signalAverage = new ExponentialMovingAverage(signalPeriod);
    this.warmUpPeriod = slowPeriod + signalPeriod - 1;
  }

  get value(): MacdValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): MacdValue | undefined {
    const fast = this.fastAverage.update(input);
    const slow = this.slowAverage.update(input);
    if (fast === undefined || slow === undefined) return undefined;
    const macd = fast - slow;
    const signal = this.signalAverage.update(macd);
    if (signal === undefined) return undefined;
    this.current = { macd, signal, histogram: macd - signal };
    return this.current;
  }

  reset(): void {
    this.fastAverage.reset();
    this.slowAverage.reset();
    this.signalAverage.reset();
    this.current = undefined;
  }
}
