/**
 * The contract every indicator keeps.
 *
 * - Feed it bars (or values) oldest first, one `update` per closed bar. `update` returns the indicator's value for
 *   that bar, or `undefined` while the indicator is warming up. The first value comes from update number
 *   `warmUpPeriod`; from then on every update returns a value. `undefined` (never NaN) is the only "no value yet":
 *   TypeScript then makes every caller handle the warm-up instead of letting NaN slip into a calculation.
 * - `value` is what the last update returned, `isReady` says whether that was a value, `reset()` forgets all bars.
 * - No look-ahead: the value for bar i depends on bars 0..i only. Returned objects are fresh and never mutated later.
 * - O(1) work per update (amortized where a file says so), whatever the period.
 * - Inputs are read during `update` and not retained, so a caller may reuse one mutable bar object. They are assumed
 *   finite: validate data once where it enters the app, not per bar in the hot path.
 */
export interface Indicator<Input, Output> {
  /** Updates needed before the first value: update number `warmUpPeriod` (counting from 1) is the first to return one. */
  readonly warmUpPeriod: number;
  /** The value for the latest bar, or undefined while warming up. */
  readonly value: Output | undefined;
  readonly isReady: boolean;
  update(input: Input): Output | undefined;
  /** Back to the state before the first update. */
  reset(): void;
}

export interface HighLow {
  readonly high: number;
  readonly low: number;
}

export interface HighLowClose extends HighLow {
  readonly close: number;
}

export interface HighLowCloseVolume extends HighLowClose {
  readonly volume: number;
}

export interface OpenHighLowClose extends HighLowClose {
  readonly open: number;
}

/** 1: uptrend (price above the trailing level, long side); −1: downtrend (price below it, short side). */
export type TrendDirection = 1 | -1;
