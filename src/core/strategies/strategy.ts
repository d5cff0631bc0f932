import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, ExitReason, OrderFilled, Position, Side } from '../domain/trading';
import type { ParamSpec, ResolvedConfig } from './params';

/**
 * The one interface every strategy is written against. The same strategy object runs in a backtest, on the paper
 * broker and live: time, data and execution all arrive through these parameters, never from globals.
 */

/** Columnar bars, oldest first; only [0, length) is valid. A CandleSeries satisfies it. */
export interface BarsView {
  readonly time: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
  readonly length: number;
}

export interface OrderOptions {
  takeProfit?: number | null;
  stopLoss?: number | null;
  /** Why, in words, kept on the order journal. */
  reason?: string;
  /** Manual orders only: the client order id to journal it under (a trader's order is not derived from a bar). */
  clientOrderId?: string;
}

/**
 * An entry decision as the strategy reports it (the signals API): the side, how sure it is, the conditions it checked
 * and the indicator values it saw. Report it just BEFORE the order it leads to: the runner links the next opening
 * order of that side in the same bar to it (acted on), or records why none followed (filtered: a risk denial, the
 * strategy's own filter, no order at all). Signals during warm-up (history replay) are not recorded.
 */
export interface StrategySignal {
  side: Side;
  /** 0–1: the share of the strategy's conditions that hold; 1 for a rule with no graded confidence (a crossover). */
  confidence: number;
  /** Why, in words (the API's `description`). */
  reason: string;
  conditions_met?: Record<string, boolean>;
  indicator_values?: Record<string, number | null>;
  /** Intended levels from the decision close (the order's own TP/SL are used when these are absent). */
  stop_loss?: number | null;
  take_profit?: number | null;
  /** The strategy's own filter turned the candidate down (confluence: below min_confidence): no order follows. */
  filtered?: string;
}

/** An opening order in flight: sent (or restored after a restart), neither filled nor cancelled yet. */
export interface PendingOpen {
  clientOrderId: string;
  side: Side;
  lots: number;
}

export interface StrategyContext {
  readonly taskId: string;
  readonly instrument: Instrument;
  /** Capital the task trades with (its pair allocation, else its configured capital), account currency. */
  readonly capital: number;
  readonly magic: number;
  /** This task's open positions, oldest first. */
  readonly positions: readonly Position[];
  /** Orders sent but not filled yet (they fill at the next bar's open by default). */
  readonly pendingOrders: number;
  /**
   * The opening orders among them, oldest first. After a restart these are the journaled orders the broker holds
   * unfilled: a strategy that takes over its state then (a grid series) counts them with its positions.
   */
  readonly pendingOpens: readonly PendingOpen[];
  /** Floating result of the open positions at the last close, account currency. */
  floatingPnl(): number;
  /** Market orders. Return the client order id, or undefined when the risk engine denied it (the denial is an event). */
  buy(lots: number, options?: OrderOptions): string | undefined;
  sell(lots: number, options?: OrderOptions): string | undefined;
  close(positionId: string, reason: ExitReason, note?: string): void;
  closeAll(reason: ExitReason, note?: string): void;
  setProtection(positionId: string, takeProfit: number | null, stopLoss: number | null): void;
  /** Reports an entry decision (see StrategySignal); cheap, and a no-op where nobody records signals (backtests). */
  signal(signal: StrategySignal): void;
}

export interface Strategy {
  /** Called once per closed bar, after fills and protection for that bar were processed. */
  onBar(bars: BarsView, index: number, ctx: StrategyContext): void;
  onFilled?(fill: OrderFilled, ctx: StrategyContext): void;
  onClosed?(trade: ClosedTrade, ctx: StrategyContext): void;
  /** Current indicator values for charts and signal details (e.g. z-score, lookback high/low, grid levels). */
  indicators?(): Record<string, number | null>;
  /**
   * Entry candidates the strategy evaluated and turned down by its own filters so far (confluence: a candidate
   * below min_confidence). Backtests report it as signals_filtered, next to the orders the risk checks denied.
   */
  filteredSignals?(): number;
}

export interface StrategyDefinition {
  name: string;
  title: string;
  description: string;
  params: readonly ParamSpec[];
  /** Spellings the spec's examples use for a parameter (grid_spacing_percent → grid_percent + use_grid_percent). */
  aliases?: Readonly<Record<string, (value: number | boolean) => Record<string, number | boolean>>>;
  /** Cross-field rules (slow period above fast period, ...); each returned string is an error. */
  check?(config: ResolvedConfig): string[];
  create(config: ResolvedConfig, instrument: Instrument): Strategy;
}
