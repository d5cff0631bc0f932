import { RollingMoments } from './internal/rolling-moments';
import { assertPeriod, assertPositive } from './internal/validate';
import type { Indicator } from './types';

export interface BollingerBandsValue {
  /** SMA of the last N inputs. */
  readonly middle: number;
  /** middle + k·σ */
  readonly upper: number;
  /** middle − k·σ */
  readonly lower: number;
  /** σ: the POPULATION standard deviation of the same N inputs. */
  readonly standardDeviation: number;
}

/**
 * Bollinger Bands, default N = 20, k = 2: middle = SMA(N), bands = middle ± k·σ with the population standard
 * deviation (÷N), as Bollinger defines them. Mean and σ come from RollingMoments (numerically stable, O(1)
 * amortized). First value after N inputs.
 */
export class BollingerBands implements Indicator<number, BollingerBandsValue> {
  readonly warmUpPeriod: number;
  private readonly moments: RollingMoments;
  private current: BollingerBandsValue | undefined;

  constructor(
    readonly period = 20,
    readonly width = 2,
  ) {
    assertPeriod('Bollinger Bands', period);
    assertPositive('Bollinger Bands', 'width (k)', width);
    this.warmUpPeriod = period;
    this.moments = new RollingMoments(period);
  }

  get value(): BollingerBandsValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): BollingerBandsValue | undefined {
    const moments = this.moments;
    moments.add(input);
    if (!moments.isFull) return undefined;
    const mean = moments.mean;
    const standardDeviation = moments.standardDeviation;
    const offset = this.width * standardDeviation;
    this.current = { middle: mean, upper: mean + offset, lower: mean - offset, standardDeviation };
    return this.current;
  }

  reset(): void {
    this.moments.clear();
    this.current = undefined;
  }
}
