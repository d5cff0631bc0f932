import { assertPositive } from './internal/validate';
import { RollingStats } from './rolling-stats';
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
 * deviation (÷N), as Bollinger defines them. Mean and σ come from RollingStats (numerically stable, O(1) amortized).
 */
export class BollingerBands implements Indicator<number, BollingerBandsValue> {
  readonly warmUpPeriod: number;
  private readonly stats: RollingStats;
  private current: BollingerBandsValue | undefined;

  constructor(
    readonly period = 20,
    readonly width = 2,
  ) {
    assertPositive('Bollinger Bands', 'width (k)', width);
    this.stats = new RollingStats(period);
    this.warmUpPeriod = this.stats.warmUpPeriod;
  }

  get value(): BollingerBandsValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): BollingerBandsValue | undefined {
    const stats = this.stats.update(input);
    if (stats === undefined) return undefined;
    const { mean, standardDeviation } = stats;
    const offset = this.width * standardDeviation;
    this.current = { middle: mean, upper: mean + offset, lower: mean - offset, standardDeviation };
    return this.current;
  }

  reset(): void {
    this.stats.reset();
    this.current = undefined;
  }
}
