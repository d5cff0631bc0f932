import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, OrderFilled } from '../domain/trading';
import { ExponentialMovingAverage } from '../indicators/exponential-moving-average';
import { SimpleMovingAverage } from '../indicators/simple-moving-average';
import { flag, num, type ParamSpec, type ResolvedConfig } from './params';
import { canSizeByRisk, floorLots, moneyPerPriceUnitPerLot, roundPrice } from './sizing';
import type { BarsView, Strategy, StrategyContext, StrategyDefinition } from './strategy';

/**
 * simple_ma: fast/slow moving-average crossover on closes (SMA, or EMA with use_ema).
 *
 * Rules (bar i just closed; orders fill at the next bar's open by default):
 * - A crossover is strict: BUY when fast < slow on bar i−1 and fast > slow on bar i; SELL the mirror. Touching
 *   (equal) is neither, and the next bar must start from strictly below/above again to count.
 * - One position at a time. A crossover against the open position closes it (exit reason 'signal') and opens the
 *   new direction on the same bar — with or without TP/SL: the crossover is the strategy's view changing, so it
 *   does not wait for a stop. A crossover in the direction already held does nothing. No signal is acted on while
 *   an order is still in flight (ctx.pendingOrders).
 * - TP/SL: take_profit_pips / stop_loss_pips × the instrument's pip size from the FILL price, rounded to its digits
 *   (0 = none). Sent with the order (from the decision close) and re-set from the actual fill.
 * - trailing_stop: after every close while a position is open, the stop moves to (best close since entry) −
 *   stop_loss_pips (BUY; + for SELL) if that is tighter than the current stop; it never loosens. Since the stop
 *   starts at entry − stop distance, it first moves once a close is beyond the entry (in profit). A trailing stop
 *   fills as a stop ('stop_loss').
 * - risk_per_trade (% of capital, 0 = off, needs stop_loss_pips): lots = capital × r% / (stop_loss_pips × pip value
 *   per lot at the decision close), rounded down to the lot step, capped at the maximum lot; pip value assumes a USD
 *   account (see sizing.ts). Otherwise lot_size.
 * - magic_number tags every order (the task passes config.magic_number to its runner; see registry.ts).
 *
 * Hot path: onBar does two O(1) MA updates and a compare; no allocation unless a signal fires or a stop trails.
 */

export const SIMPLE_MA_PARAMS: readonly ParamSpec[] = [
  { key: 'lot_size', type: 'float', default: 0.1, min: 0.01, max: 100, unit: 'lots', description: 'Lots per trade (unless risk_per_trade sizes it)' },
  { key: 'fast_period', type: 'int', default: 10, min: 1, max: 5000, unit: 'bars', description: 'Period of the fast moving average' },
  { key: 'slow_period', type: 'int', default: 20, min: 2, max: 10000, unit: 'bars', description: 'Period of the slow moving average (above fast_period)' },
  { key: 'use_ema', type: 'bool', default: false, description: 'Exponential moving averages instead of simple ones' },
  { key: 'take_profit_pips', type: 'float', default: 50, min: 0, max: 100_000, unit: 'pips', description: 'Take-profit distance from the entry in pips (0 = none)' },
  { key: 'stop_loss_pips', type: 'float', default: 30, min: 0, max: 100_000, unit: 'pips', description: 'Stop-loss distance from the entry in pips (0 = none)' },
  { key: 'trailing_stop', type: 'bool', default: false, description: 'Trail the stop stop_loss_pips behind the best close once in profit' },
  { key: 'risk_per_trade', type: 'float', default: 0, min: 0, max: 100, unit: '%', description: '0 = off. Else lots are sized so hitting the stop loses this % of capital' },
  { key: 'magic_number', type: 'int', default: 24680, min: 0, max: 2_147_483_647, description: "Tag on every order, so the broker's positions of this task can be told apart" },
];

/** risk_per_trade sizing before rounding (see the file comment); 0 when it cannot be priced. */
export function riskLotsForStop(instrument: Instrument, capital: number, riskPct: number, stopPips: number, price: number): number {
  const perUnit = moneyPerPriceUnitPerLot(instrument, price);
  if (perUnit === undefined || !(stopPips > 0)) return 0;
  return (capital * riskPct) / 100 / (stopPips * instrument.pipSize * perUnit);
}

class SimpleMa implements Strategy {
  private readonly fast: SimpleMovingAverage | ExponentialMovingAverage;
  private readonly slow: SimpleMovingAverage | ExponentialMovingAverage;
  private readonly lotSize: number;
  private readonly tpDistance: number;
  private readonly slDistance: number;
  private readonly trailing: boolean;
  private readonly riskPct: number;
  private readonly stopPips: number;
  /** Next bar index to feed: bars the loop skipped (a backtest's `from`) are caught up. */
  private next = 0;
  /** Sign of fast − slow on the last two bars: 1 above, −1 below, 0 equal, NaN before both MAs have values. */
  private previous = Number.NaN;
  private current = Number.NaN;

  // The open position (side 0: none).
  private positionId: string | null = null;
  private side: 0 | 1 | -1 = 0;
  private takeProfit: number | null = null;
  private stopLoss: number | null = null;
  private bestClose = 0;

  constructor(
    config: ResolvedConfig,
    private readonly instrument: Instrument,
  ) {
    const Ma = flag(config, 'use_ema') ? ExponentialMovingAverage : SimpleMovingAverage;
    this.fast = new Ma(num(config, 'fast_period'));
    this.slow = new Ma(num(config, 'slow_period'));
    this.lotSize = num(config, 'lot_size');
    this.tpDistance = num(config, 'take_profit_pips') * instrument.pipSize;
    this.stopPips = num(config, 'stop_loss_pips');
    this.slDistance = this.stopPips * instrument.pipSize;
    this.trailing = flag(config, 'trailing_stop');
    this.riskPct = num(config, 'risk_per_trade');
  }

  onBar(bars: BarsView, index: number, ctx: StrategyContext): void {
    if (index < this.next) this.restart();
    while (this.next <= index) this.feed(bars, this.next++);
    const close = bars.close[index] as number;
    // A position the broker holds that this object never saw fill (restored after a restart): it is ours; take it over.
    if (this.positionId === null && ctx.positions.length > 0) this.adopt(ctx);
    if (this.trailing && this.side !== 0 && this.positionId !== null) this.trail(close, ctx);

    let dir: 1 | -1;
    if (this.previous === -1 && this.current === 1) dir = 1;
    else if (this.previous === 1 && this.current === -1) dir = -1;
    else return;
    if (ctx.pendingOrders > 0 || dir === this.side) return;

    const why = dir === 1 ? 'fast MA crossed above slow: reverse' : 'fast MA crossed below slow: reverse';
    // One position at a time; should more be held (restored from an older run), a reversal closes them all.
    if (ctx.positions.length > 1) for (const p of [...ctx.positions]) ctx.close(p.id, 'signal', why);
    else if (this.positionId !== null) ctx.close(this.positionId, 'signal', why);
    const lots = this.riskPct > 0 ? floorLots(this.instrument, riskLotsForStop(this.instrument, ctx.capital, this.riskPct, this.stopPips, close)) : this.lotSize;
    const options = {
      takeProfit: this.tpDistance > 0 ? roundPrice(this.instrument, close + dir * this.tpDistance) : null,
      stopLoss: this.slDistance > 0 ? roundPrice(this.instrument, close - dir * this.slDistance) : null,
      reason: dir === 1 ? 'fast MA crossed above slow MA' : 'fast MA crossed below slow MA',
    };
    ctx.signal({
      side: dir === 1 ? 'BUY' : 'SELL',
      confidence: 1,
      reason: options.reason,
      conditions_met: dir === 1 ? { fast_crossed_above_slow: true } : { fast_crossed_below_slow: true },
      indicator_values: { fast_ma: this.fast.value ?? null, slow_ma: this.slow.value ?? null, close },
    });
    if (dir === 1) ctx.buy(lots, options);
    else ctx.sell(lots, options);
  }

  onFilled(fill: OrderFilled, ctx: StrategyContext): void {
    if (!fill.opens) return;
    const dir = fill.side === 'BUY' ? 1 : -1;
    this.positionId = fill.positionId;
    this.side = dir;
    this.bestClose = fill.price;
    // Distances are measured from the actual fill, so they are exactly pips × pip size.
    this.takeProfit = this.tpDistance > 0 ? roundPrice(this.instrument, fill.price + dir * this.tpDistance) : null;
    this.stopLoss = this.slDistance > 0 ? roundPrice(this.instrument, fill.price - dir * this.slDistance) : null;
    ctx.setProtection(fill.positionId, this.takeProfit, this.stopLoss);
  }

  /**
   * Takes over the newest position restored after a restart (its opening fill happened before this object existed).
   * An opening order still in flight needs nothing: its fill arrives through onFilled.
   */
  private adopt(ctx: StrategyContext): void {
    const p = ctx.positions[ctx.positions.length - 1];
    if (!p) return;
    this.positionId = p.id;
    this.side = p.side === 'BUY' ? 1 : -1;
    this.takeProfit = p.takeProfit;
    this.stopLoss = p.stopLoss;
    this.bestClose = p.entryPrice;
  }

  onClosed(trade: ClosedTrade): void {
    if (trade.positionId !== this.positionId) return;
    this.positionId = null;
    this.side = 0;
    this.takeProfit = null;
    this.stopLoss = null;
  }

  indicators(): Record<string, number | null> {
    return {
      fast_ma: this.fast.value ?? null,
      slow_ma: this.slow.value ?? null,
      take_profit: this.takeProfit,
      stop_loss: this.stopLoss,
    };
  }

  /** Takes the bar index, not the close: a non-inlined call with a double argument would box it on every bar. */
  private feed(bars: BarsView, j: number): void {
    const close = bars.close[j] as number;
    // Both averages take every close (no short-circuit), and the boolean-returning form allocates nothing per bar.
    const fastReady = this.fast.advance(close);
    const slowReady = this.slow.advance(close);
    this.previous = this.current;
    if (!fastReady || !slowReady) {
      this.current = Number.NaN;
      return;
    }
    const fast = this.fast.valueOrNaN;
    const slow = this.slow.valueOrNaN;
    this.current = fast > slow ? 1 : fast < slow ? -1 : 0;
  }

  /** Moves the stop to best close ∓ stop distance when that is tighter; never loosens it. */
  private trail(close: number, ctx: StrategyContext): void {
    if (this.side === 1 ? close <= this.bestClose : close >= this.bestClose) return;
    this.bestClose = close;
    const level = roundPrice(this.instrument, close - this.side * this.slDistance);
    const current = this.stopLoss;
    if (current !== null && (this.side === 1 ? level <= current : level >= current)) return;
    this.stopLoss = level;
    ctx.setProtection(this.positionId as string, this.takeProfit, level);
  }

  private restart(): void {
    this.fast.reset();
    this.slow.reset();
    this.next = 0;
    this.previous = Number.NaN;
    this.current = Number.NaN;
  }
}

export const simpleMa: StrategyDefinition = {
  name: 'simple_ma',
  title: 'Simple moving-average crossover',
  description: 'Buys when the fast moving average crosses above the slow one and sells on the opposite cross, reversing the position; optional pip TP/SL, trailing stop and risk-based lots.',
  params: SIMPLE_MA_PARAMS,
  check(config) {
    const errors: string[] = [];
    if (!(num(config, 'slow_period') > num(config, 'fast_period'))) errors.push('slow_period must be greater than fast_period');
    const risk = num(config, 'risk_per_trade');
    if (risk > 0 && risk < 0.01) errors.push('risk_per_trade must be 0 (off) or between 0.01 and 100 %');
    if (risk > 0 && num(config, 'stop_loss_pips') === 0) errors.push('risk_per_trade needs a stop: set stop_loss_pips above 0');
    if (flag(config, 'trailing_stop') && num(config, 'stop_loss_pips') === 0) errors.push('trailing_stop needs stop_loss_pips above 0 (the trailing distance)');
    return errors;
  },
  create(config, instrument) {
    if (num(config, 'risk_per_trade') > 0 && !canSizeByRisk(instrument)) {
      throw new RangeError(`simple_ma: risk_per_trade needs a USD-quoted or USD-based symbol to value a pip; ${instrument.symbol} is neither (use lot_size)`);
    }
    return new SimpleMa(config, instrument);
  },
};
