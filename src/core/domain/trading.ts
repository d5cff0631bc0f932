/**
 * The trading vocabulary shared by strategies, the risk engine, the simulated exchange and the brokers.
 * Commands are imperative (SubmitOrder), events past tense (OrderFilled, PositionClosed, RiskBreached).
 * Prices are the feed's quotes (bid for MetaTrader data); money amounts are in the account currency.
 */

export type Side = 'BUY' | 'SELL';

export const sideSign = (side: Side): 1 | -1 => (side === 'BUY' ? 1 : -1);
export const oppositeSide = (side: Side): Side => (side === 'BUY' ? 'SELL' : 'BUY');

export type ExitReason =
  | 'take_profit'
  | 'stop_loss'
  | 'trailing_stop'
  | 'signal'
  | 'series_take_profit'
  | 'max_drawdown'
  | 'floating_loss_threshold'
  | 'manual'
  | 'task_stopped'
  | 'end_of_data';

/** SubmitOrder: a market order to open a position, or to close one (`closesPositionId`). */
export interface SubmitOrder {
  /** Our id, on the journal before the order is sent, carried to the broker (clientOrderId / MT5 comment). */
  clientOrderId: string;
  taskId: string;
  symbol: string;
  side: Side;
  lots: number;
  closesPositionId?: string;
  takeProfit?: number | null;
  stopLoss?: number | null;
  magic: number;
  /** Why: the rule that fired, in words, kept on the journal. */
  reason: string;
  exitReason?: ExitReason;
  /** Bar time (epoch ms) at which the strategy decided. */
  decidedAt: number;
  /**
   * The decision this order carries out: task, bar and intent (`<task>:<bar time>:open:BUY:0`, `…:close:<position>`).
   * Unique in the journal, so one decision is never sent under two client order ids. None on a trader's manual order.
   */
  decisionKey?: string;
}

export interface Position {
  id: string;
  taskId: string;
  symbol: string;
  side: Side;
  lots: number;
  entryPrice: number;
  entryTime: number;
  takeProfit: number | null;
  stopLoss: number | null;
  magic: number;
  clientOrderId: string;
  /** Commission paid on entry (account currency). */
  commission: number;
}

/** OrderFilled. For a close, `pnl` is the position's realized result net of both commissions. */
export interface OrderFilled {
  clientOrderId: string;
  positionId: string;
  taskId: string;
  symbol: string;
  side: Side;
  lots: number;
  price: number;
  time: number;
  commission: number;
  opens: boolean;
  exitReason?: ExitReason;
  pnl?: number;
}

export interface ClosedTrade {
  positionId: string;
  taskId: string;
  symbol: string;
  side: Side;
  lots: number;
  entryPrice: number;
  entryTime: number;
  exitPrice: number;
  exitTime: number;
  exitReason: ExitReason;
  /** Net of commissions, in the account currency. */
  pnl: number;
  commission: number;
  magic: number;
  clientOrderId: string;
}

export type OrderStatus = 'journaled' | 'submitted' | 'filled' | 'rejected' | 'cancelled' | 'unknown';

/** RiskBreached / order denial codes: stable for scripts, with a message for people. */
export type RiskCode =
  | 'FLOATING_LOSS_THRESHOLD'
  | 'MAX_DRAWDOWN'
  | 'MAX_GRID_TRADES'
  | 'LOT_TOO_SMALL'
  | 'LOT_TOO_LARGE'
  | 'INSUFFICIENT_CAPITAL'
  | 'UNKNOWN_SYMBOL'
  | 'TASK_PAUSED'
  /** An order policy (long-only / short-only) refused the side. */
  | 'DIRECTION_NOT_ALLOWED'
  /** An account-wide limit on open positions (paper trading's max_open_positions) is reached. */
  | 'MAX_OPEN_POSITIONS';

export interface RiskDenial {
  code: RiskCode;
  message: string;
}
