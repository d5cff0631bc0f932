import type { Candle } from '../../../core/domain/candles';
import type { Instrument } from '../../../core/domain/instruments';
import type { ExitReason, OrderFilled, Position, SubmitOrder } from '../../../core/domain/trading';
import type {
  BrokerOrder,
  ExecutionListener,
  FillSimulator,
  FillSimulatorFactory,
  SimulatedBroker,
  SubmitOutcome,
} from '../../../core/ports/execution-client';
import type { Clock } from '../../../core/ports/clock';
import type { SqliteDatabase } from '../../persistence/sqlite/database';

/**
 * The embedded paper broker. Its book (orders by client order id, open positions) is persisted in its own tables
 * and written in the caller's transaction, so after a crash it is exactly as consistent as the engine's records.
 * Like a real broker it de-duplicates by client order id: a repeated id is answered, never executed twice.
 */
export class PaperBroker implements SimulatedBroker {
  readonly kind = 'paper' as const;
  private readonly books = new Map<string, FillSimulator>();
  private readonly listeners = new Map<string, ExecutionListener>();
  private readonly q;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly createSimulator: FillSimulatorFactory,
    private readonly clock: Clock,
  ) {
    this.q = {
      order: db.prepare<[string], { client_order_id: string; task_id: string; order_json: string; status: BrokerOrder['status']; fill_json: string | null }>(
        'SELECT * FROM paper_orders WHERE client_order_id = ?',
      ),
      insertOrder: db.prepare('INSERT INTO paper_orders (client_order_id, task_id, order_json, status, received_at) VALUES (?, ?, ?, ?, ?)'),
      setOrder: db.prepare('UPDATE paper_orders SET status = ?, fill_json = ? WHERE client_order_id = ?'),
      upsertOrderFill: db.prepare(
        `INSERT INTO paper_orders (client_order_id, task_id, order_json, status, fill_json, received_at) VALUES (?, ?, '{}', 'filled', ?, ?)
         ON CONFLICT (client_order_id) DO UPDATE SET status = 'filled', fill_json = excluded.fill_json`,
      ),
      queuedOf: db.prepare<[string], { order_json: string }>(
        "SELECT order_json FROM paper_orders WHERE task_id = ? AND status = 'accepted' ORDER BY rowid",
      ),
      positionsOf: db.prepare<[string], { position_json: string }>('SELECT position_json FROM paper_positions WHERE task_id = ? ORDER BY rowid'),
      allPositions: db.prepare<[], { position_json: string }>('SELECT position_json FROM paper_positions ORDER BY rowid'),
      upsertPosition: db.prepare(
        'INSERT INTO paper_positions (id, task_id, position_json) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET position_json = excluded.position_json',
      ),
      deletePosition: db.prepare('DELETE FROM paper_positions WHERE id = ?'),
    };
  }

  openBook(taskId: string, instrument: Instrument): void {
    if (this.books.has(taskId)) return;
    const book = this.createSimulator(instrument, {
      onFilled: (fill) => this.recordFill(fill),
      onClosed: (trade) => this.listeners.get(trade.taskId)?.onClosed(trade),
      onCancelled: (order) => {
        this.q.setOrder.run('cancelled', null, order.clientOrderId);
        this.listeners.get(order.taskId)?.onCancelled(order.clientOrderId, 'position already closed');
      },
    });
    for (const row of this.q.positionsOf.all(taskId)) book.restore(JSON.parse(row.position_json) as Position);
    // Orders accepted but not yet filled when the app stopped fill at the next bar, as they would have.
    for (const row of this.q.queuedOf.all(taskId)) {
      const order = JSON.parse(row.order_json) as SubmitOrder;
      book.submit(order, order.decidedAt, Number.NaN);
    }
    this.books.set(taskId, book);
  }

  flatten(taskId: string, time: number, bid: number, reason: ExitReason): void {
    this.books.get(taskId)?.closeAllNow(time, bid, reason);
  }

  closeBook(taskId: string): void {
    this.books.delete(taskId);
    this.listeners.delete(taskId);
  }

  setListener(taskId: string, listener: ExecutionListener | undefined): void {
    if (listener) this.listeners.set(taskId, listener);
    else this.listeners.delete(taskId);
  }

  onMarketBar(taskId: string, bar: Candle): void {
    this.books.get(taskId)?.processBar(bar.time, bar.open, bar.high, bar.low);
  }

  submitNow(order: SubmitOrder): SubmitOutcome {
    const existing = this.q.order.get(order.clientOrderId);
    if (existing) return { status: 'accepted', brokerOrderId: order.clientOrderId };
    const book = this.books.get(order.taskId);
    if (!book) return { status: 'rejected', reason: `No paper book is open for task ${order.taskId}` };
    this.q.insertOrder.run(order.clientOrderId, order.taskId, JSON.stringify(order), 'accepted', this.clock.now().toISOString());
    book.submit(order, order.decidedAt, Number.NaN);
    return { status: 'accepted', brokerOrderId: order.clientOrderId };
  }

  async submit(order: SubmitOrder): Promise<SubmitOutcome> {
    return this.submitNow(order);
  }

  async setProtection(taskId: string, positionId: string, takeProfit: number | null, stopLoss: number | null): Promise<void> {
    const book = this.books.get(taskId);
    if (!book) return;
    book.setProtection(positionId, takeProfit, stopLoss);
    const position = book.positions.find((p) => p.id === positionId);
    if (position) this.q.upsertPosition.run(position.id, taskId, JSON.stringify(position));
  }

  findOrderNow(clientOrderId: string): BrokerOrder | undefined {
    const row = this.q.order.get(clientOrderId);
    if (!row) return undefined;
    return { clientOrderId, status: row.status, ...(row.fill_json ? { fill: JSON.parse(row.fill_json) as OrderFilled } : {}) };
  }

  async findOrder(clientOrderId: string): Promise<BrokerOrder | undefined> {
    return this.findOrderNow(clientOrderId);
  }

  positionsNow(taskId: string): Position[] {
    return this.q.positionsOf.all(taskId).map((r) => JSON.parse(r.position_json) as Position);
  }

  async positions(taskId: string): Promise<Position[]> {
    return this.positionsNow(taskId);
  }

  async allPositions(): Promise<Position[]> {
    return this.q.allPositions.all().map((r) => JSON.parse(r.position_json) as Position);
  }

  private recordFill(fill: OrderFilled): void {
    const book = this.books.get(fill.taskId);
    // Take-profit and stop closes have no order of ours; they are recorded under a derived id.
    this.q.upsertOrderFill.run(fill.clientOrderId, fill.taskId, JSON.stringify(fill), this.clock.now().toISOString());
    if (fill.opens) {
      const position = book?.positions.find((p) => p.id === fill.positionId);
      if (position) this.q.upsertPosition.run(position.id, fill.taskId, JSON.stringify(position));
    } else {
      this.q.deletePosition.run(fill.positionId);
    }
    this.listeners.get(fill.taskId)?.onFilled(fill);
  }
}

