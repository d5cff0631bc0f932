import type { Candle } from '../domain/candles';
import type { Instrument } from '../domain/instruments';
import type { ExitReason, Position, SubmitOrder } from '../domain/trading';
import type { BrokerOrder, ExecutionClient, ExecutionListener, SimulatedBroker, SubmitOutcome } from '../ports/execution-client';

/**
 * How one task's orders reach its broker: one implementation per kind of broker, chosen once (orderGatewayFor).
 * - paper (the in-process SimulatedBroker): the task's book follows the bars the task sees; an order is answered and
 *   filled inside the bar's database transaction, and so are the broker's callbacks; a stopped task is flattened at once.
 * - a real broker (ccxt, MT5): an order leaves only after the bar's transaction committed (the journal holds the intent
 *   first); answers and fills arrive later, each recorded in a transaction of its own; the task's stop sends closes.
 */
export interface OrderGateway {
  readonly kind: 'paper' | 'broker';
  readonly execution: ExecutionClient;
  /** Orders are sent after the bar's transaction (a real broker), so one can be journaled and never sent. */
  readonly sendsAfterCommit: boolean;
  /** The broker's callbacks arrive outside any bar: each needs a transaction of its own. */
  readonly callbacksNeedTransaction: boolean;
  /** Opens the task's book (paper) and routes the broker's callbacks for the task to `listener`. */
  open(taskId: string, instrument: Instrument, listener: ExecutionListener): void;
  /** The task is gone: closes its book and its callbacks (paper); a real broker's late fills still arrive. */
  close(taskId: string): void;
  findOrder(clientOrderId: string): Promise<BrokerOrder | undefined>;
  positions(taskId: string): Promise<Position[]>;
  /** Inside the bar's transaction, before the strategy sees the bar: the paper broker fills at its open. */
  onBar(taskId: string, bar: Candle): void;
  /** A journaled order inside the bar's transaction: the paper broker answers now; a real broker later (undefined). */
  submitInBar(order: SubmitOrder): SubmitOutcome | undefined;
  /** Paper: closes the task's positions at once at `price` (true). A real broker closes through orders (false). */
  flatten(taskId: string, time: number, price: number, reason: ExitReason): boolean;
}

export function isSimulatedBroker(execution: ExecutionClient): execution is SimulatedBroker {
  return execution.kind === 'paper' && 'onMarketBar' in execution;
}

export function orderGatewayFor(execution: ExecutionClient): OrderGateway {
  return isSimulatedBroker(execution) ? paperGateway(execution) : brokerGateway(execution);
}

function paperGateway(broker: SimulatedBroker): OrderGateway {
  return {
    kind: 'paper',
    execution: broker,
    sendsAfterCommit: false,
    callbacksNeedTransaction: false,
    open: (taskId, instrument, listener) => {
      broker.openBook(taskId, instrument);
      broker.setListener(taskId, listener);
    },
    close: (taskId) => {
      broker.closeBook(taskId);
      broker.setListener(taskId, undefined);
    },
    findOrder: async (clientOrderId) => broker.findOrderNow(clientOrderId),
    positions: async (taskId) => broker.positionsNow(taskId),
    onBar: (taskId, bar) => broker.onMarketBar(taskId, bar),
    submitInBar: (order) => broker.submitNow(order),
    flatten: (taskId, time, price, reason) => {
      broker.flatten(taskId, time, price, reason);
      return true;
    },
  };
}

function brokerGateway(execution: ExecutionClient): OrderGateway {
  return {
    kind: 'broker',
    execution,
    sendsAfterCommit: true,
    callbacksNeedTransaction: true,
    open: (taskId, _instrument, listener) => execution.setListener(taskId, listener),
    close: () => {},
    findOrder: (clientOrderId) => execution.findOrder(clientOrderId),
    positions: (taskId) => execution.positions(taskId),
    onBar: () => {},
    submitInBar: () => undefined,
    flatten: () => false,
  };
}
