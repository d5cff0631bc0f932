import { normalizeLots, type Instrument } from '../domain/instruments';
import type { Position, RiskDenial, Side } from '../domain/trading';

/**
 * What a backtest (or a task that asks for it) lays over the strategy's own order decisions: which sides may open,
 * and how big an opening order is. The StrategyRunner applies it to every opening order before its risk checks;
 * closing orders are never touched. Without a policy the runner behaves exactly as before (the strategy's lots).
 *
 * Sizing modes (`value` means):
 * - strategy:       the lots the strategy asked for (value unused).
 * - fixed_lots:     `value` lots.
 * - fixed_cash:     `value` in the account currency: quantity = value / (price × quote→account rate).
 * - percent_equity: `value` % of the current equity (capital + realized P&L + floating P&L at the last close).
 * - all_equity:     all AVAILABLE equity: equity − the entry notional of the positions already open, less the
 *                   entry commission (% and per lot), so that notional + commission ≤ available equity. The
 *                   backtester sizes it again at the fill (allEquityLots, sendableLots), with the fill price and the
 *                   money left after the fills before it (a reversal's close), as backtesting.py does.
 * Cash modes price the order at the decision bar's close (the last price the strategy saw; with fills at the next
 * open the fill can differ by the gap). Quantity is in units of the base (shares, coins, ounces, currency units);
 * lots = quantity / contract size.
 *
 * Rounding of the resulting size:
 * - lot_step (default): down to the instrument's lot step, as a broker accepts it (0.01 lot FX, 1 share, 0.00001 BTC);
 *   below the minimum lot the order is denied (LOT_TOO_SMALL).
 * - whole_units: down to whole units of the base (whole shares, whole coins), then to the lot step.
 * - fractional: the exact size, no rounding and no minimum lot (an idealised account; only > 0 is required).
 */
export type TradeDirection = 'both' | 'long_only' | 'short_only';
export type SizingMode = 'strategy' | 'fixed_lots' | 'fixed_cash' | 'percent_equity' | 'all_equity';
export type SizeRounding = 'lot_step' | 'whole_units' | 'fractional';

export interface OrderPolicySettings {
  direction: TradeDirection;
  sizing: SizingMode;
  /** Lots, account currency or % depending on `sizing` (see above). */
  value: number;
  rounding: SizeRounding;
  /** Entry costs the all_equity mode leaves room for. */
  commissionPct?: number;
  commissionPerLot?: number;
}

export const DEFAULT_ORDER_POLICY: OrderPolicySettings = { direction: 'both', sizing: 'strategy', value: 0, rounding: 'lot_step' };

/** What the runner knows when it sizes an order. */
export interface SizingContext {
  /** Close of the decision bar (bid). */
  price: number;
  /** capital + realized + floating, account currency. */
  equity(): number;
  /** Open positions that stay open (those being closed by an order in flight are left out). */
  positions: readonly Position[];
}

export class OrderPolicy {
  readonly fractional: boolean;

  constructor(
    readonly settings: OrderPolicySettings,
    private readonly instrument: Instrument,
    private readonly accountRate: (price: number) => number,
  ) {
    this.fractional = settings.rounding === 'fractional';
  }

  /** A denial when the side may not open under this policy. */
  directionDenial(side: Side): RiskDenial | undefined {
    const { direction } = this.settings;
    if (direction === 'long_only' && side === 'SELL') {
      return { code: 'DIRECTION_NOT_ALLOWED', message: 'Short entries are off (long-only): the SELL entry was not sent' };
    }
    if (direction === 'short_only' && side === 'BUY') {
      return { code: 'DIRECTION_NOT_ALLOWED', message: 'Long entries are off (short-only): the BUY entry was not sent' };
    }
    return undefined;
  }

  /** Lots for an opening order the strategy asked `requested` lots for (before the runner's lot checks). */
  lots(requested: number, ctx: SizingContext): number {
    const { sizing, value, rounding } = this.settings;
    const { contractSize } = this.instrument;
    let lots: number;
    switch (sizing) {
      case 'strategy':
        lots = requested;
        break;
      case 'fixed_lots':
        lots = value;
        break;
      case 'fixed_cash':
        lots = this.lotsForCash(value, ctx.price);
        break;
      case 'percent_equity':
        lots = this.lotsForCash((ctx.equity() * value) / 100, ctx.price);
        break;
      case 'all_equity':
        lots = this.allEquityLots(this.availableEquity(ctx.equity(), ctx.positions), ctx.price);
        break;
    }
    if (!(lots > 0) || !Number.isFinite(lots)) return 0;
    if (rounding === 'whole_units') lots = Math.floor(lots * contractSize + 1e-9) / contractSize;
    return lots;
  }

  /** What all_equity may spend: the equity less the entry notional of the positions that stay open. */
  availableEquity(equity: number, positions: readonly Position[]): number {
    let committed = 0;
    for (const p of positions) committed += p.lots * this.instrument.contractSize * p.entryPrice * this.accountRate(p.entryPrice);
    return equity - committed;
  }

  /** Lots `available` money buys at `price`, entry commission included (unrounded; 0 when nothing is available). */
  allEquityLots(available: number, price: number): number {
    // notional × (1 + pct) + lots × perLot ≤ available  →  lots ≤ available / (unit cost × contract + perLot)
    const unitCost = price * this.accountRate(price) * (1 + (this.settings.commissionPct ?? 0) / 100);
    return available > 0 ? available / (unitCost * this.instrument.contractSize + (this.settings.commissionPerLot ?? 0)) : 0;
  }

  /**
   * Sized lots as the order is sent: the rounding of the settings, then (unless fractional) down to the lot step;
   * 0 when that is below the minimum lot (or nothing). Capped at the maximum lot.
   */
  sendableLots(sized: number): number {
    if (!(sized > 0) || !Number.isFinite(sized)) return 0;
    const { contractSize, maxLot } = this.instrument;
    const lots = this.settings.rounding === 'whole_units' ? Math.floor(sized * contractSize + 1e-9) / contractSize : sized;
    if (this.fractional) return Math.min(lots, maxLot);
    return normalizeLots(this.instrument, lots);
  }

  private lotsForCash(cash: number, price: number): number {
    const perLot = price * this.accountRate(price) * this.instrument.contractSize;
    return perLot > 0 ? cash / perLot : 0;
  }
}
