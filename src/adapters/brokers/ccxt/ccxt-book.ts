import type { ClosedTrade, OrderFilled, Position, Side, SubmitOrder } from '../../../core/domain/trading';
import type { SqliteDatabase } from '../../persistence/sqlite/database';

/**
 * What this app sent to one exchange account and what came of it, kept in SQLite (tables of migration 6).
 *
 * A spot exchange holds balances, not positions: the positions of our tasks are what their filled orders opened and
 * have not closed yet, and that bookkeeping lives here. Every order is written as 'sending' BEFORE the request leaves,
 * so after a crash an order that may have reached the exchange is known and is asked about, never sent again.
 */

export type BookOrderStatus = 'sending' | 'unknown' | 'open' | 'filled' | 'rejected' | 'cancelled';
export const PENDING_STATUSES: readonly BookOrderStatus[] = ['sending', 'unknown', 'open'];

export interface BookOrder {
  clientOrderId: string;
  /** The id the exchange saw (ours, or a hash of ours where the exchange allows fewer characters). */
  exchangeClientOrderId: string;
  taskId: string;
  symbol: string;
  side: Side;
  amount: number;
  order: SubmitOrder;
  exchangeOrderId: string | null;
  status: BookOrderStatus;
  fill: OrderFilled | null;
  error: string | null;
  sentAt: number;
  updatedAt: number;
}

export type PositionStatus = 'open' | 'closing' | 'closed';

export interface BookPosition {
  position: Position;
  status: PositionStatus;
  /** The close order in flight while 'closing'. */
  closingOrderId: string | null;
  trade: ClosedTrade | null;
}

interface OrderRow {
  client_order_id: string;
  exchange_client_order_id: string;
  task_id: string;
  symbol: string;
  side: Side;
  amount: number;
  order_json: string;
  exchange_order_id: string | null;
  status: BookOrderStatus;
  fill_json: string | null;
  error: string | null;
  sent_at: number;
  updated_at: number;
}

interface PositionRow {
  position_json: string;
  status: PositionStatus;
  closing_order_id: string | null;
  trade_json: string | null;
}

const toOrder = (r: OrderRow): BookOrder => ({
  clientOrderId: r.client_order_id,
  exchangeClientOrderId: r.exchange_client_order_id,
  taskId: r.task_id,
  symbol: r.symbol,
  side: r.side,
  amount: r.amount,
  order: JSON.parse(r.order_json) as SubmitOrder,
  exchangeOrderId: r.exchange_order_id,
  status: r.status,
  fill: r.fill_json ? (JSON.parse(r.fill_json) as OrderFilled) : null,
  error: r.error,
  sentAt: r.sent_at,
  updatedAt: r.updated_at,
});

const toPosition = (r: PositionRow): BookPosition => ({
  position: JSON.parse(r.position_json) as Position,
  status: r.status,
  closingOrderId: r.closing_order_id,
  trade: r.trade_json ? (JSON.parse(r.trade_json) as ClosedTrade) : null,
});

export class CcxtBook {
  private readonly q;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly accountId: string,
  ) {
    this.q = {
      order: db.prepare<[string, string], OrderRow>('SELECT * FROM ccxt_orders WHERE account_id = ? AND client_order_id = ?'),
      pending: db.prepare<[string], OrderRow>(
        `SELECT * FROM ccxt_orders WHERE account_id = ? AND status IN ('sending', 'unknown', 'open') ORDER BY sent_at, rowid`,
      ),
      insertOrder: db.prepare(
        `INSERT INTO ccxt_orders (account_id, client_order_id, exchange_client_order_id, task_id, symbol, side, amount, order_json,
           status, sent_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?)`,
      ),
      updateOrder: db.prepare(
        `UPDATE ccxt_orders SET status = ?, exchange_order_id = COALESCE(?, exchange_order_id), fill_json = COALESCE(?, fill_json),
           error = ?, updated_at = ? WHERE account_id = ? AND client_order_id = ?`,
      ),
      position: db.prepare<[string, string], PositionRow>('SELECT * FROM ccxt_positions WHERE account_id = ? AND id = ?'),
      openPositions: db.prepare<[string], PositionRow & { task_id: string }>(
        `SELECT * FROM ccxt_positions WHERE account_id = ? AND status IN ('open', 'closing') ORDER BY opened_at, rowid`,
      ),
      closedPositions: db.prepare<[string, number, number], PositionRow>(
        `SELECT * FROM ccxt_positions WHERE account_id = ? AND status = 'closed' AND closed_at BETWEEN ? AND ? ORDER BY closed_at, rowid`,
      ),
      upsertPosition: db.prepare(
        `INSERT INTO ccxt_positions (account_id, id, task_id, symbol, position_json, status, closing_order_id, opened_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, id) DO UPDATE SET position_json = excluded.position_json, status = excluded.status,
           closing_order_id = excluded.closing_order_id`,
      ),
      closePosition: db.prepare(
        `UPDATE ccxt_positions SET status = 'closed', closing_order_id = NULL, trade_json = ?, closed_at = ? WHERE account_id = ? AND id = ?`,
      ),
    };
  }

  order(clientOrderId: string): BookOrder | undefined {
    const row = this.q.order.get(this.accountId, clientOrderId);
    return row && toOrder(row);
  }

  pendingOrders(): BookOrder[] {
    return this.q.pending.all(this.accountId).map(toOrder);
  }

  /** Written before the request leaves: from here on the order may exist at the exchange. */
  recordSending(order: SubmitOrder, exchangeClientOrderId: string, amount: number, now: number): void {
    this.q.insertOrder.run(
      this.accountId,
      order.clientOrderId,
      exchangeClientOrderId,
      order.taskId,
      order.symbol,
      order.side,
      amount,
      JSON.stringify(order),
      now,
      now,
    );
  }

  /** A refusal decided here, before anything was sent (kept so a repeated submit gets the same answer). */
  recordRefused(order: SubmitOrder, exchangeClientOrderId: string, reason: string, now: number): void {
    this.recordSending(order, exchangeClientOrderId, order.lots, now);
    this.setOrder(order.clientOrderId, 'rejected', { error: reason }, now);
  }

  setOrder(
    clientOrderId: string,
    status: BookOrderStatus,
    patch: { exchangeOrderId?: string | null; fill?: OrderFilled | null; error?: string | null },
    now: number,
  ): void {
    this.q.updateOrder.run(
      status,
      patch.exchangeOrderId ?? null,
      patch.fill ? JSON.stringify(patch.fill) : null,
      patch.error ?? null,
      now,
      this.accountId,
      clientOrderId,
    );
  }

  position(id: string): BookPosition | undefined {
    const row = this.q.position.get(this.accountId, id);
    return row && toPosition(row);
  }

  openPositions(taskId?: string): BookPosition[] {
    return this.q
      .openPositions.all(this.accountId)
      .filter((r) => taskId === undefined || r.task_id === taskId)
      .map(toPosition);
  }

  closedTrades(from = 0, to = Number.MAX_SAFE_INTEGER): ClosedTrade[] {
    return this.q.closedPositions.all(this.accountId, from, to).flatMap((r) => (r.trade_json ? [JSON.parse(r.trade_json) as ClosedTrade] : []));
  }

  savePosition(position: Position, status: Exclude<PositionStatus, 'closed'>, closingOrderId: string | null = null): void {
    this.q.upsertPosition.run(this.accountId, position.id, position.taskId, position.symbol, JSON.stringify(position), status, closingOrderId, position.entryTime);
  }

  closePosition(id: string, trade: ClosedTrade): void {
    this.q.closePosition.run(JSON.stringify(trade), trade.exitTime, this.accountId, id);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
