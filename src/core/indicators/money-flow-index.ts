import { RollingSum } from './internal/rolling-sum';
import { assertPeriod } from './internal/validate';
import type { HighLowCloseVolume, Indicator } from './types';

/**
 * Money Flow Index, default N = 14: a volume-weighted RSI.
 * Typical price TP = (high + low + close)/3, raw money flow = TP·volume. A bar's flow counts as positive when TP rose
 * from the previous bar, negative when it fell, and not at all when unchanged. Over the last N flows,
 * MFI = 100 − 100/(1 + positive/negative) = 100·positive / (positive + negative); 50 when both are zero.
 * First value after N + 1 bars (N flows). The window sums are exact zeros when no flow of a side is in the window.
 */
export class MoneyFlowIndex implements Indicator<HighLowCloseVolume, number> {
  readonly warmUpPeriod: number;
  private readonly positiveFlow: RollingSum;
  private readonly negativeFlow: RollingSum;
  private previousTypicalPrice = 0;
  private hasPreviousTypicalPrice = false;
  private current = 0;

  constructor(readonly period = 14) {
    assertPeriod('MFI', period);
    this.warmUpPeriod = period + 1;
    this.positiveFlow = new RollingSum(period);
    this.negativeFlow = new RollingSum(period);
  }

  get value(): number | undefined {
    return this.positiveFlow.isFull ? this.current : undefined;
  }

  get isReady(): boolean {
    return this.positiveFlow.isFull;
  }

  update(bar: HighLowCloseVolume): number | undefined {
    const typicalPrice = (bar.high + bar.low + bar.close) / 3;
    const previous = this.previousTypicalPrice;
    const isFirstBar = !this.hasPreviousTypicalPrice;
    this.previousTypicalPrice = typicalPrice;
    this.hasPreviousTypicalPrice = true;
    if (isFirstBar) return undefined;

    const flow = typicalPrice * bar.volume;
    this.positiveFlow.add(typicalPrice > previous ? flow : 0);
    this.negativeFlow.add(typicalPrice < previous ? flow : 0);
    if (!this.positiveFlow.isFull) return undefined;
    const positive = this.positiveFlow.sum;
    const total = positive + this.negativeFlow.sum;
    this.current = total === 0 ? 50 : (100 * positive) / total;
    return this.current;
  }

  reset(): void {
    this.positiveFlow.clear();
    this.negativeFlow.clear();
    this.previousTypicalPrice = 0;
    this.hasPreviousTypicalPrice = false;
    this.current = 0;
  }
}
