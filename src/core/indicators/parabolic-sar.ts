import { assertPositive } from './internal/validate';
import type { HighLow, Indicator, TrendDirection } from './types';

export interface ParabolicSarValue {
  /** The stop-and-reverse level in force for this bar (on a reversal bar: the new trend's starting level). */
  readonly sar: number;
  /** The trend after this bar: 1 long (SAR below price), −1 short (SAR above price). */
  readonly direction: TrendDirection;
}

export interface ParabolicSarOptions {
  /** Acceleration factor at the start of each trend (Wilder: 0.02). */
  readonly start?: number;
  /** Added to the factor each time the trend makes a new extreme (Wilder: 0.02). */
  readonly step?: number;
  /** Ceiling of the factor (Wilder: 0.2). */
  readonly maximum?: number;
}

/**
 * Parabolic SAR (Wilder), the value for bar t being the SAR in force during bar t.
 *
 * In a long trend, the SAR for the next bar is SAR + af·(EP − SAR), where EP is the trend's highest high so far
 * and af starts at `start`, grows by `step` at every new EP, capped at `maximum`; it may never rise above the lows
 * of the current or the previous bar. When a bar's low touches or crosses the SAR, the trend reverses: that bar's
 * SAR becomes the old EP (at least the highs of the current and previous bar), EP becomes the bar's low and af
 * resets. Short trends mirror this.
 *
 * Start (as TA-Lib): bar 1 opens short when its down-move (low₀ − low₁) is positive and exceeds its up-move
 * (high₁ − high₀), long otherwise, with SAR = the other extreme of bar 0 and EP = bar 1's extreme. First value at
 * bar 1 (two bars). Unlike TA-Lib, the "not into the previous bar's range" rule also uses bar 0 on bar 1.
 */
export class ParabolicSar implements Indicator<HighLow, ParabolicSarValue> {
  readonly warmUpPeriod = 2;
  readonly start: number;
  readonly step: number;
  readonly maximum: number;
  private barCount = 0;
  private isLong = true;
  /** The SAR in force for the next bar. */
  private nextSar = 0;
  private extremePoint = 0;
  private accelerationFactor = 0;
  private previousHigh = 0;
  private previousLow = 0;
  private current: ParabolicSarValue | undefined;

  constructor(options: ParabolicSarOptions = {}) {
    this.start = options.start ?? 0.02;
    this.step = options.step ?? 0.02;
    this.maximum = options.maximum ?? 0.2;
    assertPositive('Parabolic SAR', 'start', this.start);
    assertPositive('Parabolic SAR', 'step', this.step);
    assertPositive('Parabolic SAR', 'maximum', this.maximum);
    if (this.start > this.maximum) {
      throw new RangeError(`Parabolic SAR: start (${this.start}) must not exceed maximum (${this.maximum})`);
    }
  }

  get value(): ParabolicSarValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(bar: HighLow): ParabolicSarValue | undefined {
    const { high, low } = bar;
    if (this.barCount++ === 0) {
      this.previousHigh = high;
      this.previousLow = low;
      return undefined;
    }
    if (this.barCount === 2) this.startFirstTrend(high, low);

    let sar = this.nextSar;
    if (this.isLong) {
      if (low <= sar) {
        this.isLong = false;
        sar = Math.max(this.extremePoint, this.previousHigh, high);
        this.accelerationFactor = this.start;
        this.extremePoint = low;
        this.nextSar = Math.max(sar + this.accelerationFactor * (this.extremePoint - sar), this.previousHigh, high);
      } else {
        if (high > this.extremePoint) this.extendTrend(high);
        this.nextSar = Math.min(sar + this.accelerationFactor * (this.extremePoint - sar), this.previousLow, low);
      }
    } else if (high >= sar) {
      this.isLong = true;
      sar = Math.min(this.extremePoint, this.previousLow, low);
      this.accelerationFactor = this.start;
      this.extremePoint = high;
      this.nextSar = Math.min(sar + this.accelerationFactor * (this.extremePoint - sar), this.previousLow, low);
    } else {
      if (low < this.extremePoint) this.extendTrend(low);
      this.nextSar = Math.max(sar + this.accelerationFactor * (this.extremePoint - sar), this.previousHigh, high);
    }
    this.previousHigh = high;
    this.previousLow = low;
    this.current = { sar, direction: this.isLong ? 1 : -1 };
    return this.current;
  }

  reset(): void {
    this.barCount = 0;
    this.isLong = true;
    this.nextSar = 0;
    this.extremePoint = 0;
    this.accelerationFactor = 0;
    this.previousHigh = 0;
    this.previousLow = 0;
    this.current = undefined;
  }

  private startFirstTrend(high: number, low: number): void {
    const upMove = high - this.previousHigh;
    const downMove = this.previousLow - low;
    this.isLong = !(downMove > 0 && downMove > upMove);
    this.nextSar = this.isLong ? this.previousLow : this.previousHigh;
    this.extremePoint = this.isLong ? high : low;
    this.accelerationFactor = this.start;
  }

  /** A new extreme in the trend's direction: move EP there and accelerate. */
  private extendTrend(extreme: number): void {
    this.extremePoint = extreme;
    this.accelerationFactor = Math.min(this.accelerationFactor + this.step, this.maximum);
  }
}
