import type { Instrument } from '../domain/instruments';
import { positionPnl } from '../domain/position-pnl';
import { sideSign, type ClosedTrade, type ExitReason, type OrderFilled, type Position, type SubmitOrder } from '../domain/trading';

/**
 * How simulated fills happen. Feed prices are bid quotes (MetaTrader data): a BUY opens at the ask
 * (bid + spread) and closes at the bid; a SELL the other way round.
 */
export interface ExecutionModel {
  /** Market orders fill at the next bar's open (default: what a live order placed at the close gets) or at this bar's close. */
  fillAt: 'next_open' | 'close';
  spreadPoints: number;
  /** Against the trader on market and stop fills; take-profits fill at their level. */
  slippagePoints: number;
  /** Account currency per lot, per side. */
  commissionPerLot: number;
  /** % of the notional, per side. */
  commissionPct: number;
}

export const DEFAULT_EXECUTION_MODEL: ExecutionModel = {
  fillAt: 'next_open',
  spreadPoints: 0,
  slippagePoints: 0,
  commissionPerLot: 0,
  commissionPct: 0,
};

export interface ExchangeListener {
  onFilled(fill: OrderFilled): void;
  /** A close order whose position was already gone (closed by its take-profit or stop in the same bar). */
  onCancelled(order: SubmitOrder): void;
  onClosed(trade: ClosedTrade): void;
}

/**
 * The matching model shared by the backtester and the paper broker, so a strategy meets the same fills in both.
 * Per bar: queued market orders fill at the open, then take-profits and stop-losses are checked against the range
 * (both touched in one bar: the stop is assumed first — the conservative reading of an OHLC bar).
 */
export class SimulatedExchange {
  readonly positions: Position[] = [];
  private readonly queued: SubmitOrder[] = [];
  private readonly spread: number;
  private readonly slippage: number;
  /**
   * Sizes an entry at its fill (the backtester's all_equity mode, as backtesting.py does): called with the fill
   * price (and the bid it came from) after the orders queued before it (a reversal's closing fill) have filled;
   * lots ≤ 0 cancel the entry.
   */
  entrySizer?: (order: SubmitOrder, fillPrice: number, bid: number) => number;

  constructor(
    readonly instrument: Instrument,
    readonly model: ExecutionModel,
    /** quote currency → account currency at a price (1 for XAUUSD in USD, 1/price for USDJPY). */
    private readonly accountRate: (price: number) => number,
    private readonly listener: ExchangeListener,
  ) {
    this.spread = model.spreadPoints * instrument.point;
    this.slippage = model.slippagePoints * instrument.point;
  }

  get hasWork(): boolean {
    return this.queued.length > 0 || this.positions.length > 0;
  }

  pendingOrders(): readonly SubmitOrder[] {
    return this.queued;
  }

  /** Accepts a market order. With fillAt 'close' it fills at once at `closeBid`; else at the next bar's open. */
  submit(order: SubmitOrder, time: number, closeBid: number): void {
    if (this.model.fillAt === 'close') this.fill(order, closeBid, time, true);
    else this.queued.push(order);
  }

  /** Closes every open position now at `bid` (a stop of the task: market closes at the current price). */
  closeAllNow(time: number, bid: number, reason: ExitReason): void {
    this.queued.splice(0, this.queued.length).forEach((order) => this.listener.onCancelled(order));
    for (let i = this.positions.length - 1; i >= 0; i--) {
      const p = this.positions[i] as Position;
      this.close(i, this.exitPrice(p.side, bid, true), time, reason, `${p.id}:x`);
    }
  }

  /** Drops queued orders that would open positions (reported as cancelled); closing orders stay. */
  cancelQueuedEntries(): void {
    for (let i = this.queued.length - 1; i >= 0; i--) {
      const order = this.queued[i] as SubmitOrder;
      if (order.closesPositionId === undefined) {
        this.queued.splice(i, 1);
        this.listener.onCancelled(order);
      }
    }
  }

  setProtection(positionId: string, takeProfit: number | null, stopLoss: number | null): void {
    const position = this.positions.find((p) => p.id === positionId);
    if (position) {
      position.takeProfit = takeProfit;
      position.stopLoss = stopLoss;
    }
  }

  /** Restores a position after a restart (the paper broker's book is persisted). */
  restore(position: Position): void {
    this.positions.push({ ...position });
  }

  processBar(time: number, open: number, high: number, low: number): void {
    if (this.queued.length > 0) {
      const orders = this.queued.splice(0, this.queued.length);
      for (const order of orders) this.fill(order, open, time, true);
    }
    if (this.positions.length > 0) this.checkProtection(time, open, high, low);
  }

  /** Floating result of all open positions at a bid price, net of entry commissions (account currency). */
  floatingPnl(bid: number): number {
    let total = 0;
    for (const p of this.positions) total += this.resultOf(p, this.exitPrice(p.side, bid, false)) - p.commission;
    return total;
  }

  private exitPrice(side: Position['side'], bid: number, slipped: boolean): number {
    // Closing a BUY sells at the bid; closing a SELL buys at the ask.
    const raw = side === 'BUY' ? bid : bid + this.spread;
    if (!slipped) return raw;
    return side === 'BUY' ? raw - this.slippage : raw + this.slippage;
  }

  private resultOf(p: Position, exitPrice: number): number {
    return positionPnl(p, this.instrument.contractSize, exitPrice, this.accountRate(exitPrice));
  }

  private commissionFor(lots: number, price: number): number {
    const { commissionPerLot, commissionPct } = this.model;
    if (commissionPerLot === 0 && commissionPct === 0) return 0;
    const notional = price * lots * this.instrument.contractSize * this.accountRate(price);
    return commissionPerLot * lots + (commissionPct / 100) * notional;
  }

  private fill(order: SubmitOrder, bid: number, time: number, slipped: boolean): void {
    if (order.closesPositionId !== undefined) {
      const index = this.positions.findIndex((p) => p.id === order.closesPositionId);
      if (index === -1) {
        this.listener.onCancelled(order);
        return;
      }
      const position = this.positions[index] as Position;
      this.close(index, this.exitPrice(position.side, bid, slipped), time, order.exitReason ?? 'signal', order.clientOrderId);
      return;
    }
    const ask = bid + this.spread;
    const raw = order.side === 'BUY' ? ask : bid;
    const price = slipped ? raw + sideSign(order.side) * this.slippage : raw;
    const lots = this.entrySizer ? this.entrySizer(order, price, bid) : order.lots;
    if (!(lots > 0)) {
      this.listener.onCancelled(order);
      return;
    }
    const commission = this.commissionFor(lots, price);
    const position: Position = {
      id: order.clientOrderId,
      taskId: order.taskId,
      symbol: order.symbol,
      side: order.side,
      lots,
      entryPrice: price,
      entryTime: time,
      takeProfit: order.takeProfit ?? null,
      stopLoss: order.stopLoss ?? null,
      magic: order.magic,
      clientOrderId: order.clientOrderId,
      commission,
    };
    this.positions.push(position);
    this.listener.onFilled({
      clientOrderId: order.clientOrderId,
      positionId: position.id,
      taskId: order.taskId,
      symbol: order.symbol,
      side: order.side,
      lots,
      price,
      time,
      commission,
      opens: true,
    });
  }

  private close(index: number, exitPrice: number, time: number, reason: ExitReason, clientOrderId: string): void {
    const p = this.positions[index] as Position;
    this.positions.splice(index, 1);
    const exitCommission = this.commissionFor(p.lots, exitPrice);
    const pnl = this.resultOf(p, exitPrice) - p.commission - exitCommission;
    const side = p.side === 'BUY' ? 'SELL' : 'BUY';
    this.listener.onFilled({
      clientOrderId,
      positionId: p.id,
      taskId: p.taskId,
      symbol: p.symbol,
      side,
      lots: p.lots,
      price: exitPrice,
      time,
      commission: exitCommission,
      opens: false,
      exitReason: reason,
      pnl,
    });
    this.listener.onClosed({
      positionId: p.id,
      taskId: p.taskId,
      symbol: p.symbol,
      side: p.side,
      lots: p.lots,
      entryPrice: p.entryPrice,
      entryTime: p.entryTime,
      exitPrice,
      exitTime: time,
      exitReason: reason,
      pnl,
      commission: p.commission + exitCommission,
      magic: p.magic,
      clientOrderId: p.clientOrderId,
    });
  }

  /** Take-profit and stop-loss against the bar: a gap through the level fills at the open, else at the level. */
  private checkProtection(time: number, open: number, high: number, low: number): void {
    for (let i = this.positions.length - 1; i >= 0; i--) {
      const p = this.positions[i] as Position;
      if (p.takeProfit === null && p.stopLoss === null) continue;
      // Compare in the price the position closes at: bid for a BUY, ask (bid + spread) for a SELL.
      const shift = p.side === 'BUY' ? 0 : this.spread;
      const o = open + shift;
      const hi = high + shift;
      const lo = low + shift;
      const long = p.side === 'BUY';
      const sl = p.stopLoss;
      const tp = p.takeProfit;
      const closeId = `${p.id}:x`;
      if (sl !== null && (long ? o <= sl : o >= sl)) {
        this.close(i, long ? o - this.slippage : o + this.slippage, time, 'stop_loss', closeId);
      } else if (tp !== null && (long ? o >= tp : o <= tp)) {
        this.close(i, o, time, 'take_profit', closeId);
      } else if (sl !== null && (long ? lo <= sl : hi >= sl)) {
        this.close(i, long ? sl - this.slippage : sl + this.slippage, time, 'stop_loss', closeId);
      } else if (tp !== null && (long ? hi >= tp : lo <= tp)) {
        this.close(i, tp, time, 'take_profit', closeId);
      }
    }
  }
}
