import type { Candle } from '../domain/candles';
import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, ExitReason, OrderFilled, Position, SubmitOrder } from '../domain/trading';

/**
 * A broker, as the engine sees it: paper, a ccxt exchange or the MT5 terminal. Orders carry our client order id;
 * the broker de-duplicates by it, so sending the same id twice never opens two positions.
 */
export type SubmitOutcome =
  | { status: 'accepted'; brokerOrderId?: string }
  | { status: 'rejected'; reason: string }
  /** Timeout or lost link after sending: resolve with findOrder(clientOrderId), never by sending again blindly. */
  | { status: 'unknown'; reason: string };

export interface BrokerOrder {
  clientOrderId: string;
  status: 'accepted' | 'filled' | 'rejected' | 'cancelled';
  fill?: OrderFilled;
}

export interface ExecutionListener {
  onFilled(fill: OrderFilled): void;
  onClosed(trade: ClosedTrade): void;
  onCancelled(clientOrderId: string, reason: string): void;
}

export interface ExecutionClient {
  readonly kind: 'paper' | 'ccxt' | 'mt5';
  submit(order: SubmitOrder): Promise<SubmitOutcome>;
  setProtection(taskId: string, positionId: string, takeProfit: number | null, stopLoss: number | null): Promise<void>;
  findOrder(clientOrderId: string): Promise<BrokerOrder | undefined>;
  /** Open positions of a task (by our task id / magic), as the broker holds them. */
  positions(taskId: string): Promise<Position[]>;
  allPositions(): Promise<Position[]>;
  /** Fills and closes arrive here, for every task of this client. */
  setListener(taskId: string, listener: ExecutionListener | undefined): void;
}

/**
 * The embedded paper broker: it sees the market only through the bars the engine drives through it, so fills
 * happen in the same order as in a backtest, and it shares the engine's database transaction: a bar's fills and
 * the engine's records of them are stored together or not at all.
 */
export interface SimulatedBroker extends ExecutionClient {
  readonly kind: 'paper';
  /** Opens (or restores after a restart) the book of a task. */
  openBook(taskId: string, instrument: Instrument): void;
  /** Fills queued orders at the bar's open, then take-profits/stops against its range; listeners hear it synchronously. */
  onMarketBar(taskId: string, bar: Candle): void;
  /** Synchronous submit (the in-process broker answers at once). */
  submitNow(order: SubmitOrder): SubmitOutcome;
  findOrderNow(clientOrderId: string): BrokerOrder | undefined;
  positionsNow(taskId: string): Position[];
  /** Closes the task's positions at once at `bid` and drops its queued orders (used when a task is stopped). */
  flatten(taskId: string, time: number, bid: number, reason: ExitReason): void;
  closeBook(taskId: string): void;
}

/** The fill model the paper broker runs per task (the engine's SimulatedExchange); injected so adapters stay off core/engine. */
export interface FillSimulator {
  readonly positions: readonly Position[];
  submit(order: SubmitOrder, time: number, closeBid: number): void;
  processBar(time: number, open: number, high: number, low: number): void;
  setProtection(positionId: string, takeProfit: number | null, stopLoss: number | null): void;
  restore(position: Position): void;
  pendingOrders(): readonly SubmitOrder[];
  closeAllNow(time: number, bid: number, reason: ExitReason): void;
}

export type FillSimulatorFactory = (
  instrument: Instrument,
  listener: { onFilled(fill: OrderFilled): void; onClosed(trade: ClosedTrade): void; onCancelled(order: SubmitOrder): void },
) => FillSimulator;
