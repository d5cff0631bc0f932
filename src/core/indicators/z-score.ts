import { RollingStats } from './rolling-stats';
import type { Indicator } from './types';

/**
 * z-score of the latest input against the last N (itself included): z = (x_t − mean) / σ, with the POPULATION
 * standard deviation, and z = 0 for a flat window. A scalar view of RollingStats, which documents the numerics.
 */
export class ZScore implements Indicator<number, number> {
  readonly warmUpPeriod: number;
  private readonly stats: RollingStats;

  constructor(readonly period: number) {
    this.stats = new RollingStats(period);
    this.warmUpPeriod = this.stats.warmUpPeriod;
  }

  get value(): number | undefined {
    return this.stats.value?.zScore;
  }

  get isReady(): boolean {
    return this.stats.isReady;
  }

  update(input: number): number | undefined {
    return this.stats.update(input)?.zScore;
  }

  reset(): void {
    this.stats.reset();
  }
}
