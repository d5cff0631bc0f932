import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, ExitReason, OrderFilled } from '../domain/trading';
import { AverageTrueRange } from '../indicators/average-true-range';
import { Highest } from '../indicators/highest';
import { Lowest } from '../indicators/lowest';
import { ZScore } from '../indicators/z-score';
import { flag, num, type ParamSpec, type ResolvedConfig } from './params';
import { canSizeByRisk, floorLots, moneyPerPriceUnitPerLot, roundPrice } from './sizing';
import type { BarsView, Strategy, StrategyContext, StrategyDefinition } from './strategy';

/**
 * gold_buy_dip: mean reversion after a sharp move, confirmed by a z-score extreme, with an optional grid.
 *
 * Rules (bar i is the bar that just closed; orders fill at the next bar's open by default):
 * - BUY setup on bar j: the close has fallen at least `percentage_threshold` % below the highest high of the
 *   `lookback_candles` bars j−N+1 … j — the window INCLUDES bar j itself (it has closed, so no look-ahead; a bar
 *   that drops 2 % from its own high is a setup). SELL setup: the close is that % above the lowest low of the window.
 *   (HH − close) / HH × 100 ≥ threshold, (close − LL) / LL × 100 ≥ threshold.
 * - Entry on bar i: a setup happened on some bar j with i − zscore_wait_candles ≤ j ≤ i (the latest setup of that
 *   side counts; on bar i itself it may confirm at once), and the z-score of the close over `zscore_period` bars
 *   (population σ, the current close included) is ≤ zscore_threshold_buy (BUY) or ≥ zscore_threshold_sell (SELL).
 *   A setup older than the wait window has expired. BUY wins if both sides confirm on one bar.
 * - One series at a time: only setups on bars where the task was flat (no position, no pending order) count,
 *   so nothing that happened while a series was open or an order was in flight can start the next one.
 * - Take-profit of the series: `take_profit` points (instrument point) or, with use_take_profit_percent,
 *   take_profit_percent % from the lot-weighted average entry of the series, rounded to the instrument's digits.
 *   Every position of the series carries that level; it is recomputed and moved on every fill, so the series closes
 *   as one (exit reason take_profit; a position left over after another hit its TP is closed as series_take_profit).
 * - Grid (use_grid_trading): when the close has moved one grid spacing against the LAST entry's fill price, a
 *   further trade in the same direction is sent, up to max_grid_trades trades in the series. The spacing is fixed
 *   when that entry fills: grid_percent % of its fill price (use_grid_percent), else ATR(atr_period) × grid_atr_multiplier
 *   with the ATR of the last closed bar at that moment. Trade n of the series (n = 0 first) has
 *   lot_size × grid_lot_multiplier lots for n ≥ 1, or lot_size × lot_progression_factor^n with use_progressive_lots.
 * - max_drawdown_percent: when the series' floating loss at a close reaches that % of the task's capital, the whole
 *   series is closed (exit reason max_drawdown). The task keeps running; a new series needs a new setup.
 * - risk_per_trade (% of capital, 0 = off): replaces lot_size as the first trade's lots. The lots are chosen so
 *   that, if the series is filled at every grid level and price then travels max_grid_trades grid spacings from the
 *   first entry (one spacing without grid), the series loses risk_per_trade % of capital: with spacing S (known at the
 *   decision), level multipliers m_k (m_0 = 1) and N trades, lots = capital × r% / (S × money-per-price-unit-per-lot ×
 *   Σ_{k<N} (N − k)·m_k), rounded down to the lot step. Later spacings are measured afresh, so this is an estimate at
 *   entry; rounding down only lowers the risk. Needs a USD quote or USD base (see sizing.ts).
 * - Config spellings: grid_spacing_percent: x means grid_percent: x with use_grid_percent: true. Setting
 *   take_profit_percent or grid_percent switches use_take_profit_percent / use_grid_percent on, unless the config
 *   sets that switch itself (the spec's examples send the percentage alone and expect it to be used).
 * - magic_number tags every order: the task passes `config.magic_number` to its runner (see registry.ts, taskMagic).
 */

export const GOLD_BUY_DIP_PARAMS: readonly ParamSpec[] = [
  { key: 'lot_size', type: 'float', default: 0.1, min: 0.01, max: 100, unit: 'lots', description: 'Lots of the first trade of a series' },
  { key: 'take_profit', type: 'int', default: 200, min: 1, max: 1_000_000, unit: 'points', description: 'Series take-profit distance from the average entry, in instrument points (when not using percent)' },
  {
    key: 'percentage_threshold', type: 'float', default: 2.0, min: 0.001, max: 100, unit: '%',
    description: 'How far (%) the close must fall below the lookback high (BUY) or rise above the lookback low (SELL) for a setup (default 2 % from 1H up; a 2 % move within 50 one-minute bars is so rare that gold on 1M made no trade in 2½ months)',
    by_timeframe: { '1M': 0.3, '5M': 0.5, '15M': 1.0 },
  },
  { key: 'lookback_candles', type: 'int', default: 50, min: 2, max: 5000, unit: 'bars', description: 'Bars (the current one included) whose highest high / lowest low the threshold is measured from' },
  { key: 'zscore_wait_candles', type: 'int', default: 10, min: 0, max: 1000, unit: 'bars', description: 'Bars after a setup during which the z-score may confirm it (0: only on the setup bar)' },
  { key: 'zscore_threshold_sell', type: 'float', default: 3.0, min: 0, max: 20, description: 'A SELL setup is confirmed when the z-score is at or above this value' },
  { key: 'zscore_threshold_buy', type: 'float', default: -3.0, min: -20, max: 0, description: 'A BUY setup is confirmed when the z-score is at or below this value' },
  { key: 'zscore_period', type: 'int', default: 20, min: 2, max: 5000, unit: 'bars', description: 'Bars of closes the z-score (population σ) is computed over' },
  { key: 'magic_number', type: 'int', default: 12345, min: 0, max: 2_147_483_647, description: "Tag on every order, so the broker's positions of this task can be told apart" },
  { key: 'use_take_profit_percent', type: 'bool', default: false, description: 'Take-profit as a % of the average entry instead of points' },
  { key: 'take_profit_percent', type: 'float', default: 1.0, min: 0.001, max: 100, unit: '%', description: 'Series take-profit as % of the average entry price (with use_take_profit_percent)' },
  { key: 'use_grid_trading', type: 'bool', default: true, description: 'Add trades to a losing series at each grid spacing' },
  { key: 'max_grid_trades', type: 'int', default: 5, min: 1, max: 100, unit: 'trades', description: 'Most trades in one series, the first included' },
  { key: 'use_grid_percent', type: 'bool', default: false, description: 'Grid spacing as % of the last entry price instead of ATR' },
  { key: 'grid_percent', type: 'float', default: 0.5, min: 0.001, max: 100, unit: '%', description: 'Grid spacing as % of the last entry price (with use_grid_percent)' },
  { key: 'grid_atr_multiplier', type: 'float', default: 1.0, min: 0.01, max: 100, description: 'Grid spacing = ATR × this (without use_grid_percent)' },
  { key: 'atr_period', type: 'int', default: 14, min: 1, max: 1000, unit: 'bars', description: "Period of the ATR (Wilder) used for the grid spacing" },
  { key: 'grid_lot_multiplier', type: 'float', default: 1.0, min: 0.01, max: 100, description: 'Grid trades get lot_size × this (without progressive lots)' },
  { key: 'use_progressive_lots', type: 'bool', default: false, description: 'Grid trade n gets lot_size × lot_progression_factor^n' },
  { key: 'lot_progression_factor', type: 'float', default: 1.5, min: 0.1, max: 10, description: 'Growth of the lot per grid level (with use_progressive_lots)' },
  { key: 'max_drawdown_percent', type: 'float', default: 50.0, min: 0.01, max: 100, unit: '%', description: "Floating loss of the series, as % of the task's capital, at which the series is force-closed" },
  { key: 'risk_per_trade', type: 'float', default: 0, min: 0, max: 100, unit: '%', description: "0 = off. Else the first trade's lots are sized so a move of max_grid_trades grid spacings against the full grid loses this % of capital" },
];

interface Cfg {
  lotSize: number;
  takeProfitPoints: number;
  threshold: number;
  lookback: number;
  wait: number;
  zSell: number;
  zBuy: number;
  zPeriod: number;
  useTpPercent: boolean;
  tpPercent: number;
  useGrid: boolean;
  maxGrid: number;
  useGridPercent: boolean;
  gridPercent: number;
  gridAtrMultiplier: number;
  atrPeriod: number;
  gridLotMultiplier: number;
  progressive: boolean;
  progression: number;
  maxDrawdownPct: number;
  riskPct: number;
}

function readConfig(c: ResolvedConfig): Cfg {
  return {
    lotSize: num(c, 'lot_size'),
    takeProfitPoints: num(c, 'take_profit'),
    threshold: num(c, 'percentage_threshold'),
    lookback: num(c, 'lookback_candles'),
    wait: num(c, 'zscore_wait_candles'),
    zSell: num(c, 'zscore_threshold_sell'),
    zBuy: num(c, 'zscore_threshold_buy'),
    zPeriod: num(c, 'zscore_period'),
    useTpPercent: flag(c, 'use_take_profit_percent'),
    tpPercent: num(c, 'take_profit_percent'),
    useGrid: flag(c, 'use_grid_trading'),
    maxGrid: num(c, 'max_grid_trades'),
    useGridPercent: flag(c, 'use_grid_percent'),
    gridPercent: num(c, 'grid_percent'),
    gridAtrMultiplier: num(c, 'grid_atr_multiplier'),
    atrPeriod: num(c, 'atr_period'),
    gridLotMultiplier: num(c, 'grid_lot_multiplier'),
    progressive: flag(c, 'use_progressive_lots'),
    progression: num(c, 'lot_progression_factor'),
    maxDrawdownPct: num(c, 'max_drawdown_percent'),
    riskPct: num(c, 'risk_per_trade'),
  };
}

/** Lot multiplier of trade n of a series (n = 0 is the first trade). */
export function gridLevelMultiplier(config: ResolvedConfig, n: number): number {
  if (n === 0) return 1;
  return flag(config, 'use_progressive_lots') ? num(config, 'lot_progression_factor') ** n : num(config, 'grid_lot_multiplier');
}

/**
 * risk_per_trade sizing (see the file comment): first-trade lots, before rounding, for a spacing in price units.
 * Exported so the rule can be checked on its own.
 */
export function riskSizedLots(config: ResolvedConfig, instrument: Instrument, capital: number, price: number, spacing: number): number {
  const perUnit = moneyPerPriceUnitPerLot(instrument, price);
  if (perUnit === undefined || !(spacing > 0)) return 0;
  const trades = flag(config, 'use_grid_trading') ? num(config, 'max_grid_trades') : 1;
  let weight = 0;
  for (let k = 0; k < trades; k++) weight += (trades - k) * gridLevelMultiplier(config, k);
  return (capital * num(config, 'risk_per_trade')) / 100 / (spacing * perUnit * weight);
}

const NONE = -1e18;

class GoldBuyDip implements Strategy {
  private readonly c: Cfg;
  private readonly highest: Highest;
  private readonly lowest: Lowest;
  private readonly zscore: ZScore;
  private readonly atr: AverageTrueRange;
  /** Reused ATR input (indicators do not retain their input): no allocation per bar. */
  private readonly hlc = { high: 0, low: 0, close: 0 };
  /** The ATR matters only for ATR grid spacing (grid on, or risk sizing); entries wait for it then. */
  private readonly needsAtr: boolean;
  /** Next bar index to feed the indicators: bars the loop skipped (a backtest's `from`) are caught up. */
  private next = 0;
  private lastBuySetup = NONE;
  private lastSellSetup = NONE;
  /** First bar on which the task was seen flat after the last series: setups before it do not count. */
  private flatSince = 0;

  // The open series (side 0: none).
  private side: 0 | 1 | -1 = 0;
  private trades = 0;
  private baseLots = 0;
  private seriesTp: number | null = null;
  private nextGridLevel: number | null = null;
  private gridBlocked = false;
  private closingReason: ExitReason | null = null;
  private tpHit = false;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly instrument: Instrument,
  ) {
    this.c = readConfig(config);
    this.highest = new Highest(this.c.lookback);
    this.lowest = new Lowest(this.c.lookback);
    this.zscore = new ZScore(this.c.zPeriod);
    this.atr = new AverageTrueRange(this.c.atrPeriod);
    this.needsAtr = !this.c.useGridPercent && (this.c.useGrid || this.c.riskPct > 0);
  }

  onBar(bars: BarsView, index: number, ctx: StrategyContext): void {
    if (index < this.next) this.restart();
    while (this.next <= index) this.feed(bars, this.next++);
    const close = bars.close[index] as number;

    if (this.side !== 0) {
      if (ctx.positions.length === 0 && ctx.pendingOrders === 0) this.endSeries(index);
      else return this.manageSeries(close, ctx);
    }
    if (ctx.positions.length > 0 || ctx.pendingOpens.length > 0) {
      // Positions and opening orders in flight restored after a restart: they are this task's series; take it over.
      this.adopt(ctx);
      return this.manageSeries(close, ctx);
    }
    if (ctx.pendingOrders > 0) {
      this.flatSince = index + 1;
      return;
    }
    this.tryEntry(index, close, ctx);
  }

  onFilled(fill: OrderFilled, ctx: StrategyContext): void {
    if (!fill.opens) return;
    if (this.closingReason !== null) {
      // An entry that was in flight when the series was force-closed joins it on the way out.
      ctx.close(fill.positionId, this.closingReason, 'entry filled while the series was closing');
      return;
    }
    if (this.side === 0) this.side = fill.side === 'BUY' ? 1 : -1;
    this.refreshSeries(fill.price, ctx);
  }

  /** Series take-profit from the lot-weighted average entry, moved onto every position; next grid level. */
  private refreshSeries(lastEntryPrice: number, ctx: StrategyContext): void {
    let lots = 0;
    let weighted = 0;
    for (const p of ctx.positions) {
      lots += p.lots;
      weighted += p.lots * p.entryPrice;
    }
    const tp = this.takeProfitFrom(weighted / lots);
    this.seriesTp = tp;
    for (const p of ctx.positions) if (p.takeProfit !== tp) ctx.setProtection(p.id, tp, p.stopLoss);
    // The next grid level, measured from this (the last) entry with the spacing known now.
    const spacing = this.spacing(lastEntryPrice);
    this.nextGridLevel = spacing === undefined ? null : lastEntryPrice - this.side * spacing;
  }

  /**
   * Takes over the series after a restart. Every trade of it counts against max_grid_trades: the positions held AND
   * the opening orders still in flight (journaled and sent, not filled yet) — counting only the positions would
   * send the in-flight grid trade a second time.
   */
  private adopt(ctx: StrategyContext): void {
    const first = ctx.positions[0];
    const last = ctx.positions[ctx.positions.length - 1];
    const firstPending = ctx.pendingOpens[0];
    const side = first?.side ?? firstPending?.side;
    if (side === undefined) return;
    this.side = side === 'BUY' ? 1 : -1;
    this.trades = ctx.positions.length + ctx.pendingOpens.length;
    this.baseLots = first?.lots ?? firstPending?.lots ?? this.c.lotSize;
    this.gridBlocked = false;
    this.closingReason = null;
    this.tpHit = false;
    // With only an entry in flight, its fill (onFilled) sets the take-profit and the next grid level.
    if (last) this.refreshSeries(last.entryPrice, ctx);
  }

  onClosed(trade: ClosedTrade): void {
    if (trade.exitReason === 'take_profit') this.tpHit = true;
  }

  indicators(): Record<string, number | null> {
    return {
      zscore: this.zscore.value ?? null,
      lookback_high: this.highest.value ?? null,
      lookback_low: this.lowest.value ?? null,
      atr: this.atr.value ?? null,
      series_tp: this.seriesTp,
      next_grid_level: this.nextGridLevel,
    };
  }

  private feed(bars: BarsView, j: number): void {
    const high = bars.high[j] as number;
    const low = bars.low[j] as number;
    const close = bars.close[j] as number;
    const hh = this.highest.update(high);
    const ll = this.lowest.update(low);
    this.zscore.update(close);
    this.hlc.high = high;
    this.hlc.low = low;
    this.hlc.close = close;
    this.atr.update(this.hlc);
    if (hh !== undefined && ((hh - close) / hh) * 100 >= this.c.threshold) this.lastBuySetup = j;
    if (ll !== undefined && ((close - ll) / ll) * 100 >= this.c.threshold) this.lastSellSetup = j;
  }

  private tryEntry(index: number, close: number, ctx: StrategyContext): void {
    const z = this.zscore.value;
    if (z === undefined || (this.needsAtr && !this.atr.isReady)) return;
    const earliest = Math.max(index - this.c.wait, this.flatSince);
    let dir: 0 | 1 | -1 = 0;
    if (this.lastBuySetup >= earliest && z <= this.c.zBuy) dir = 1;
    else if (this.lastSellSetup >= earliest && z >= this.c.zSell) dir = -1;
    if (dir === 0) return;

    // The setup is used up whatever happens to the order (a denied order is not retried every bar).
    this.flatSince = index + 1;
    let lots = this.c.lotSize;
    if (this.c.riskPct > 0) {
      const spacing = this.spacing(close);
      lots = floorLots(this.instrument, riskSizedLots(this.config, this.instrument, ctx.capital, close, spacing ?? 0));
    }
    const expectedTp = this.takeProfitFrom(close, dir);
    const why = dir === 1
      ? `BUY: close ${close} ≥ ${this.c.threshold}% below the ${this.c.lookback}-bar high, z ${z.toFixed(2)} ≤ ${this.c.zBuy}`
      : `SELL: close ${close} ≥ ${this.c.threshold}% above the ${this.c.lookback}-bar low, z ${z.toFixed(2)} ≥ ${this.c.zSell}`;
    ctx.signal({
      side: dir === 1 ? 'BUY' : 'SELL',
      confidence: 1,
      reason: why,
      conditions_met: dir === 1 ? { dip_from_high: true, zscore_oversold: true } : { rally_from_low: true, zscore_overbought: true },
      indicator_values: { ...this.indicators(), close },
      take_profit: expectedTp,
      stop_loss: null,
    });
    const id = dir === 1 ? ctx.buy(lots, { takeProfit: expectedTp, reason: why }) : ctx.sell(lots, { takeProfit: expectedTp, reason: why });
    if (id === undefined) return;
    this.side = dir;
    this.trades = 1;
    this.baseLots = lots;
    this.seriesTp = expectedTp;
    this.nextGridLevel = null;
    this.gridBlocked = false;
    this.closingReason = null;
    this.tpHit = false;
  }

  private manageSeries(close: number, ctx: StrategyContext): void {
    if (this.closingReason !== null) return; // closes are in flight
    if (ctx.positions.length > 0) {
      const limit = (ctx.capital * this.c.maxDrawdownPct) / 100;
      const floating = ctx.floatingPnl();
      if (-floating >= limit) {
        const note = `series floating loss ${(-floating).toFixed(2)} reached max_drawdown_percent ${this.c.maxDrawdownPct}% of ${ctx.capital}`;
        return this.closeSeries('max_drawdown', note, ctx);
      }
      if (this.tpHit) return this.closeSeries('series_take_profit', 'another position of the series reached the take-profit', ctx);
    }
    if (!this.c.useGrid || this.gridBlocked || ctx.pendingOrders > 0 || this.trades >= this.c.maxGrid) return;
    if (this.nextGridLevel === null && ctx.positions.length > 0) {
      // Taken-over positions, or an entry filled while the ATR was still warming up: measure from the last entry now.
      const last = ctx.positions[ctx.positions.length - 1]!;
      const spacing = this.spacing(last.entryPrice);
      if (spacing !== undefined) this.nextGridLevel = last.entryPrice - this.side * spacing;
    }
    const level = this.nextGridLevel;
    if (level === null || (this.side === 1 ? close > level : close < level)) return;
    const n = this.trades;
    const lots = this.baseLots * gridLevelMultiplier(this.config, n);
    const why = `grid trade ${n + 1}/${this.c.maxGrid}: close ${close} crossed the grid level ${level}`;
    const tp = this.seriesTp;
    const id = this.side === 1 ? ctx.buy(lots, { takeProfit: tp, reason: why }) : ctx.sell(lots, { takeProfit: tp, reason: why });
    if (id === undefined) this.gridBlocked = true; // a denied grid trade is not retried every bar
    else this.trades++;
  }

  private closeSeries(reason: ExitReason, note: string, ctx: StrategyContext): void {
    this.closingReason = reason;
    ctx.closeAll(reason, note);
  }

  private endSeries(index: number): void {
    this.side = 0;
    this.trades = 0;
    this.seriesTp = null;
    this.nextGridLevel = null;
    this.closingReason = null;
    this.tpHit = false;
    this.flatSince = index;
  }

  /** Grid spacing in price units for an entry at `price`; undefined while the ATR warms up. */
  private spacing(price: number): number | undefined {
    if (this.c.useGridPercent) return (price * this.c.gridPercent) / 100;
    const atr = this.atr.value;
    return atr === undefined ? undefined : atr * this.c.gridAtrMultiplier;
  }

  private takeProfitFrom(averageEntry: number, dir: number = this.side): number {
    const distance = this.c.useTpPercent ? (averageEntry * this.c.tpPercent) / 100 : this.c.takeProfitPoints * this.instrument.point;
    return roundPrice(this.instrument, averageEntry + dir * distance);
  }

  private restart(): void {
    this.highest.reset();
    this.lowest.reset();
    this.zscore.reset();
    this.atr.reset();
    this.next = 0;
    this.lastBuySetup = NONE;
    this.lastSellSetup = NONE;
    this.flatSince = 0;
  }
}

export const goldBuyDip: StrategyDefinition = {
  name: 'gold_buy_dip',
  title: 'Gold buy dip',
  description:
    'Mean reversion with grid trading: a sharp move away from the recent high/low, confirmed by a z-score extreme, ' +
    'opens a series that closes as one at its take-profit; further trades are added at each grid spacing against it.',
  params: GOLD_BUY_DIP_PARAMS,
  aliases: {
    // The spec's examples also write the grid spacing this way; it implies percent spacing.
    grid_spacing_percent: (value) => ({ grid_percent: value, use_grid_percent: true }),
    // A percentage the trader sets is meant to be used: the spec's examples send take_profit_percent (and
    // grid_percent) without the switch. An explicit use_* key in the same config still wins, in any order.
    take_profit_percent: (value) => ({ take_profit_percent: value, use_take_profit_percent: true }),
    grid_percent: (value) => ({ grid_percent: value, use_grid_percent: true }),
  },
  check(config) {
    const errors: string[] = [];
    const risk = num(config, 'risk_per_trade');
    if (risk > 0 && risk < 0.01) errors.push('risk_per_trade must be 0 (off) or between 0.01 and 100 %');
    return errors;
  },
  create(config, instrument) {
    if (num(config, 'risk_per_trade') > 0 && !canSizeByRisk(instrument)) {
      throw new RangeError(`gold_buy_dip: risk_per_trade needs a USD-quoted or USD-based symbol to value a price move; ${instrument.symbol} is neither (use lot_size)`);
    }
    return new GoldBuyDip(config, instrument);
  },
};
