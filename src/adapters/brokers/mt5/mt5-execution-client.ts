import type { ClosedTrade, OrderFilled, Position, SubmitOrder } from '../../../core/domain/trading';
import type { BrokerOrder, ExecutionClient, ExecutionListener, SubmitOutcome } from '../../../core/ports/execution-client';
import type { BridgeLog } from './bridge-server';
import { exitReasonOf, fromSide, toPosition, toSide } from './mt5-book';
import type { Mt5Link } from './mt5-link';
import {
  closeResultSchema,
  CommandError,
  findOrderResultSchema,
  NoAnswerError,
  NotSentError,
  placeResultSchema,
  positionDealsResultSchema,
  type Mt5DealWire,
  type Mt5PositionWire,
  type UpdateMessage,
} from './protocol';

/**
 * Orders on MetaTrader 5 through the bridge connection (mt5-link.ts): place, close, modify, find_order, and the fills
 * of our orders from whatever reports them first.
 *
 * Fills reach the listener of the order's task exactly once per process, whichever comes first: the command's reply,
 * the deal event, or (after a lost link) the snapshot and a find_order. Positions closed by the broker (stop loss,
 * take profit, stop-out, by hand) — while connected or while the link was down — reach onFilled + onClosed once.
 */

export interface Mt5ExecutionOptions {
  /** Which task a position or order of ours belongs to, when this process did not send it (after a restart). */
  taskOf?: (clientOrderId: string, magic: number) => string | undefined;
  log: BridgeLog;
  now: () => number;
  /** Why the link cannot take orders right now (the status detail), for refusals. */
  notReady: () => string;
}

/** One order this process sent, by client order id. */
interface OurOrder {
  order: SubmitOrder;
  state: 'sending' | 'accepted' | 'unknown' | 'rejected';
  reason?: string;
}

const EPS = 1e-9;

export class Mt5ExecutionClient implements ExecutionClient {
  readonly kind = 'mt5' as const;
  private readonly listeners = new Map<string, ExecutionListener>();
  private readonly ours = new Map<string, OurOrder>();
  /** Fills already reported: opening fills by client order id, closes by position ticket. */
  private readonly openFills = new Map<string, OrderFilled>();
  private readonly closedReported = new Set<string>();
  /** Entry commissions (positive costs) by position ticket, from the opening deals we saw. */
  private readonly entryCommission = new Map<string, number>();
  /** Our close orders by position ticket, for the exit reason and client order id of the closing fill. */
  private readonly closing = new Map<string, SubmitOrder>();
  /** Positions that vanished from a snapshot and whose closing deal is still to be fetched. */
  private readonly vanished = new Map<string, Mt5PositionWire>();
  /** Deal tickets already looked at (a deal can come again through find_order after a lost link). */
  private readonly seenDeals = new Set<string>();

  constructor(
    private readonly link: Mt5Link,
    private readonly options: Mt5ExecutionOptions,
  ) {}

  private get book() {
    return this.link.book;
  }

  // ————————————————————————————————————————— what the link reports

  /** A snapshot replaced the book: positions gone while we were not looking closed somehow; new ones opened. */
  onSnapshot(change: { vanished: Mt5PositionWire[]; appeared: Mt5PositionWire[] }): void {
    for (const p of change.vanished) if (!this.closedReported.has(p.ticket)) this.vanished.set(p.ticket, p);
    for (const p of change.appeared) this.reportOpenFromPosition(p);
  }

  onUpdate(update: UpdateMessage, closed: Mt5PositionWire | undefined): void {
    switch (update.type) {
      case 'deal_added':
        this.onDeal(update.deal);
        return;
      case 'position_opened':
        this.reportOpenFromPosition(update.position);
        return;
      case 'position_closed':
        if (!closed || this.closedReported.has(update.ticket)) return;
        if (update.deal) this.reportClose(closed, [update.deal]);
        else {
          this.vanished.set(closed.ticket, closed);
          void this.resolveVanished();
        }
        return;
      default:
    }
  }

  /** A new deal: an opening deal of ours is a fill; a partial close is a fill without a closed trade. */
  private onDeal(deal: Mt5DealWire): void {
    if (this.seenDeals.has(deal.ticket)) return;
    this.seenDeals.add(deal.ticket);
    if (deal.entry === 'in') {
      if (deal.commission) this.entryCommission.set(deal.position, (this.entryCommission.get(deal.position) ?? 0) - deal.commission);
      this.reportOpen(deal.comment, { ticket: deal.position, symbol: deal.symbol, side: deal.side, volume: deal.volume, price: deal.price, time: deal.time, commission: -deal.commission, magic: deal.magic });
      return;
    }
    const position = this.book.positions.get(deal.position);
    if (position && deal.volume < position.volume - EPS) this.reportPartialClose(position, deal);
  }

  /** Fetches how vanished positions closed (position_deals); what cannot be learned now is retried after the next snapshot. */
  async resolveVanished(): Promise<void> {
    for (const [ticket, position] of [...this.vanished]) {
      if (this.closedReported.has(ticket)) {
        this.vanished.delete(ticket);
        continue;
      }
      try {
        const result = positionDealsResultSchema.parse(await this.link.request({ type: 'position_deals', ticket }));
        if (result.open) continue; // back in a later snapshot
        this.vanished.delete(ticket);
        this.reportClose(position, result.deals.filter((d) => d.entry !== 'in'));
      } catch (error) {
        this.options.log('warn', 'mt5: could not learn how a position closed; retried after the next snapshot', { ticket, error: (error as Error).message });
        return;
      }
    }
  }

  /** Orders whose answer was lost: ask the terminal (find_order) and report what happened to them, once. */
  async resolveUnanswered(): Promise<void> {
    for (const [clientOrderId, entry] of [...this.ours]) {
      if (entry.state !== 'unknown' || this.openFills.has(clientOrderId) || entry.order.closesPositionId) continue;
      try {
        const found = findOrderResultSchema.parse(await this.link.request({ type: 'find_order', client_order_id: clientOrderId }));
        if (!found.found) continue;
        const opening = found.deals.find((d) => d.entry === 'in');
        if (opening) this.onDeal(opening);
        else if (found.position) this.reportOpenFromPosition(found.position);
        const ticket = opening?.position ?? found.position?.ticket;
        const closing = found.deals.filter((d) => d.entry !== 'in');
        if (ticket && !found.position && closing.length && !this.book.positions.has(ticket)) {
          const fill = this.openFills.get(clientOrderId);
          if (fill) this.reportClose(wireFromFill(fill, ticket), closing);
        }
        entry.state = 'accepted';
      } catch (error) {
        this.options.log('warn', 'mt5: find_order failed', { clientOrderId, error: (error as Error).message });
        return;
      }
    }
  }

  // ————————————————————————————————————————— fills

  private taskOf(clientOrderId: string, magic: number): string | undefined {
    return this.ours.get(clientOrderId)?.order.taskId ?? this.options.taskOf?.(clientOrderId, magic);
  }

  private reportOpenFromPosition(p: Mt5PositionWire): void {
    this.reportOpen(p.comment, { ticket: p.ticket, symbol: p.symbol, side: p.side, volume: p.volume, price: p.price_open, time: p.time, commission: this.entryCommission.get(p.ticket) ?? 0, magic: p.magic });
  }

  /** Reports the opening fill of one of our orders, once. Positions not sent by this process are the kernel's reconcile's business. */
  private reportOpen(
    clientOrderId: string,
    f: { ticket: string; symbol: string; side: 'buy' | 'sell'; volume: number; price: number; time: number; commission: number; magic: number },
  ): void {
    const ours = this.ours.get(clientOrderId);
    if (!ours || ours.order.closesPositionId || this.openFills.has(clientOrderId)) return;
    const fill: OrderFilled = {
      clientOrderId,
      positionId: f.ticket,
      taskId: ours.order.taskId,
      symbol: f.symbol.toUpperCase(),
      side: toSide(f.side),
      lots: f.volume,
      price: f.price,
      time: f.time,
      commission: Math.max(0, f.commission),
      opens: true,
    };
    if (fill.commission && !this.entryCommission.has(f.ticket)) this.entryCommission.set(f.ticket, fill.commission);
    this.openFills.set(clientOrderId, fill);
    if (ours.state !== 'rejected') ours.state = 'accepted';
    this.listeners.get(fill.taskId)?.onFilled(fill);
  }

  private reportPartialClose(position: Mt5PositionWire, deal: Mt5DealWire): void {
    const taskId = this.taskOf(position.comment, position.magic);
    if (!taskId) return;
    const order = this.closing.get(position.ticket);
    this.listeners.get(taskId)?.onFilled({
      clientOrderId: order?.clientOrderId ?? `${deal.position}:${deal.ticket}`,
      positionId: position.ticket,
      taskId,
      symbol: position.symbol.toUpperCase(),
      side: toSide(deal.side),
      lots: deal.volume,
      price: deal.price,
      time: deal.time,
      commission: Math.max(0, -deal.commission),
      opens: false,
      exitReason: exitReasonOf(deal, order?.exitReason),
      pnl: deal.profit + deal.swap + deal.fee + deal.commission,
    });
  }

  /** A position is gone: one closing fill and one closed trade, from its closing deal(s). */
  private reportClose(position: Mt5PositionWire, deals: Mt5DealWire[]): void {
    if (this.closedReported.has(position.ticket)) return;
    this.closedReported.add(position.ticket);
    this.vanished.delete(position.ticket);
    const taskId = this.taskOf(position.comment, position.magic);
    const order = this.closing.get(position.ticket);
    this.closing.delete(position.ticket);
    if (!taskId) return;
    const volume = deals.reduce((sum, d) => sum + d.volume, 0);
    const last = deals[deals.length - 1] ?? null;
    const exitPrice = volume > 0 ? deals.reduce((sum, d) => sum + d.price * d.volume, 0) / volume : position.price_current || position.price_open;
    const exitTime = last?.time ?? this.options.now();
    const exitCommission = deals.reduce((sum, d) => sum - d.commission, 0);
    const entryCommission = this.entryCommission.get(position.ticket) ?? 0;
    const gross = deals.length ? deals.reduce((sum, d) => sum + d.profit + d.swap + d.fee, 0) : position.profit + position.swap;
    const pnl = round2(gross - exitCommission - entryCommission);
    const exitReason = exitReasonOf(last, order?.exitReason);
    const listener = this.listeners.get(taskId);
    const fill: OrderFilled = {
      clientOrderId: order?.clientOrderId ?? (last?.comment && this.ours.has(last.comment) ? last.comment : `${position.ticket}:x`),
      positionId: position.ticket,
      taskId,
      symbol: position.symbol.toUpperCase(),
      side: position.side === 'buy' ? 'SELL' : 'BUY',
      lots: volume > 0 ? volume : position.volume,
      price: exitPrice,
      time: exitTime,
      commission: exitCommission,
      opens: false,
      exitReason,
      pnl,
    };
    const trade: ClosedTrade = {
      positionId: position.ticket,
      taskId,
      symbol: position.symbol.toUpperCase(),
      side: toSide(position.side),
      lots: position.volume,
      entryPrice: position.price_open,
      entryTime: position.time,
      exitPrice,
      exitTime,
      exitReason,
      pnl,
      commission: entryCommission + exitCommission,
      magic: position.magic,
      clientOrderId: position.comment,
    };
    this.entryCommission.delete(position.ticket);
    listener?.onFilled(fill);
    listener?.onClosed(trade);
  }

  /** Keeps the per-order memories bounded on a long-running session (the oldest entries go first). */
  private prune(): void {
    const MAX = 20_000;
    for (const collection of [this.ours, this.openFills, this.closedReported, this.seenDeals] as (Map<string, unknown> | Set<string>)[]) {
      if (collection.size <= MAX) continue;
      let drop = collection.size - MAX / 2;
      for (const key of [...collection.keys()]) {
        if (drop-- <= 0) break;
        collection.delete(key);
      }
    }
  }

  // ————————————————————————————————————————— ExecutionClient

  setListener(taskId: string, listener: ExecutionListener | undefined): void {
    if (listener) this.listeners.set(taskId, listener);
    else this.listeners.delete(taskId);
  }

  /** Not sent at all → rejected; sent and refused → rejected; sent and unanswered → unknown (never resent here). */
  async submit(order: SubmitOrder): Promise<SubmitOutcome> {
    const existing = this.ours.get(order.clientOrderId);
    if (existing?.state === 'sending') return { status: 'unknown', reason: 'the same order is being sent right now; ask for it by client order id' };
    if (existing?.state === 'accepted') return { status: 'accepted', brokerOrderId: this.openFills.get(order.clientOrderId)?.positionId ?? order.clientOrderId };
    if (order.clientOrderId.length > 31) return { status: 'rejected', reason: `client order id "${order.clientOrderId}" is longer than MetaTrader's 31-character comment` };
    if (!this.link.isOpen || !this.link.synchronized) return { status: 'rejected', reason: `not sent: ${this.options.notReady()}` };
    if (this.link.brokerConnected === false) return { status: 'rejected', reason: 'not sent: the MetaTrader terminal is not connected to its trade server' };
    const entry: OurOrder = existing ?? { order, state: 'sending' };
    entry.state = 'sending';
    this.ours.set(order.clientOrderId, entry);
    this.prune();
    try {
      if (order.closesPositionId) {
        this.closing.set(order.closesPositionId, order);
        const position = this.book.positions.get(order.closesPositionId);
        const full = !position || order.lots >= position.volume - EPS;
        const reply = await this.link.request({
          type: 'close',
          client_order_id: order.clientOrderId,
          ticket: order.closesPositionId,
          ...(full ? {} : { volume: order.lots }),
        });
        const result = closeResultSchema.parse(reply);
        entry.state = 'accepted';
        if (result.closed && position && !this.closedReported.has(position.ticket)) {
          this.book.positions.delete(position.ticket);
          this.reportClose(position, [closingDealFrom(result, position)]);
        }
        return { status: 'accepted', brokerOrderId: result.deal };
      }
      const reply = await this.link.request({
        type: 'place',
        client_order_id: order.clientOrderId,
        symbol: order.symbol,
        side: fromSide(order.side),
        volume: order.lots,
        magic: order.magic,
        ...(order.stopLoss ? { sl: order.stopLoss } : {}),
        ...(order.takeProfit ? { tp: order.takeProfit } : {}),
      });
      const result = placeResultSchema.parse(reply);
      entry.state = 'accepted';
      this.reportOpen(order.clientOrderId, { ticket: result.position, symbol: result.symbol, side: result.side, volume: result.volume, price: result.price, time: result.time, commission: -result.commission, magic: result.magic });
      return { status: 'accepted', brokerOrderId: result.position };
    } catch (error) {
      if (error instanceof CommandError) {
        entry.state = 'rejected';
        entry.reason = `${error.message}${error.retcode ? ` (retcode ${error.retcode})` : ''}`;
        if (order.closesPositionId) this.closing.delete(order.closesPositionId);
        return { status: 'rejected', reason: entry.reason };
      }
      if (error instanceof NotSentError) {
        entry.state = 'rejected';
        entry.reason = `not sent: ${error.message}`;
        return { status: 'rejected', reason: entry.reason };
      }
      entry.state = 'unknown';
      entry.reason = error instanceof NoAnswerError ? error.message : `unreadable answer: ${(error as Error).message}`;
      return { status: 'unknown', reason: entry.reason };
    }
  }

  async setProtection(_taskId: string, positionId: string, takeProfit: number | null, stopLoss: number | null): Promise<void> {
    try {
      await this.link.request({ type: 'modify', ticket: positionId, sl: stopLoss ?? 0, tp: takeProfit ?? 0 });
    } catch (error) {
      throw new Error(`MetaTrader did not move TP/SL of position ${positionId}: ${(error as Error).message}`);
    }
    const position = this.book.positions.get(positionId);
    if (position) this.book.positions.set(positionId, { ...position, sl: stopLoss ?? 0, tp: takeProfit ?? 0 });
  }

  /**
   * Asks the terminal what became of an order (find_order). undefined means the terminal has no trace of it.
   * Throws when there is no synchronized link: "not connected" must never be read as "never received".
   */
  async findOrder(clientOrderId: string): Promise<BrokerOrder | undefined> {
    if (!this.link.isOpen || !this.link.synchronized) throw new Error(`cannot ask MetaTrader about ${clientOrderId}: ${this.options.notReady()}`);
    const result = findOrderResultSchema.parse(await this.link.request({ type: 'find_order', client_order_id: clientOrderId }));
    const ours = this.ours.get(clientOrderId);
    if (!result.found) {
      return ours?.state === 'rejected' && !ours.reason?.startsWith('not sent') ? { clientOrderId, status: 'rejected' } : undefined;
    }
    if (result.status === 'rejected') return { clientOrderId, status: 'rejected' };
    const deal = result.deals.find((d) => d.comment === clientOrderId) ?? result.deals[0];
    const position = result.position ?? undefined;
    const ticket = deal?.position ?? position?.ticket;
    if (!ticket) return { clientOrderId, status: 'accepted' };
    const taskId = this.taskOf(clientOrderId, deal?.magic ?? position?.magic ?? 0) ?? '';
    const opens = deal ? deal.entry === 'in' : true;
    const fill: OrderFilled = {
      clientOrderId,
      positionId: ticket,
      taskId,
      symbol: (deal?.symbol ?? position?.symbol ?? '').toUpperCase(),
      side: toSide(deal?.side ?? position?.side ?? 'buy'),
      lots: deal?.volume ?? position?.volume ?? 0,
      price: deal?.price ?? position?.price_open ?? 0,
      time: deal?.time ?? position?.time ?? 0,
      commission: Math.max(0, -(deal?.commission ?? 0)),
      opens,
      ...(opens ? {} : { exitReason: exitReasonOf(deal ?? null, ours?.order.exitReason), pnl: deal ? deal.profit + deal.swap + deal.fee + deal.commission : 0 }),
    };
    return { clientOrderId, status: 'filled', fill };
  }

  /** Open positions of a task as the terminal last reported them. Throws while not synchronized (the book may be stale). */
  async positions(taskId: string): Promise<Position[]> {
    return (await this.allPositions()).filter((p) => p.taskId === taskId);
  }

  async allPositions(): Promise<Position[]> {
    if (!this.link.synchronized) throw new Error(`MetaTrader positions are not known right now: ${this.options.notReady()}`);
    return [...this.book.positions.values()].map((p) => toPosition(p, this.taskOf(p.comment, p.magic) ?? '', this.entryCommission.get(p.ticket) ?? 0));
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The closing deal as the close command's reply describes it. */
function closingDealFrom(result: ReturnType<typeof closeResultSchema.parse>, position: Mt5PositionWire): Mt5DealWire {
  return {
    ticket: result.deal,
    order: result.order,
    position: position.ticket,
    symbol: position.symbol,
    side: position.side === 'buy' ? 'sell' : 'buy',
    entry: 'out',
    volume: result.volume,
    price: result.price,
    time: result.time,
    commission: result.commission,
    swap: result.swap,
    fee: 0,
    profit: result.profit,
    magic: position.magic,
    comment: result.client_order_id,
    reason: 'expert',
  };
}

/** A position as we knew it from its opening fill (it opened and closed while the link was down). */
function wireFromFill(fill: OrderFilled, ticket: string): Mt5PositionWire {
  return {
    ticket,
    symbol: fill.symbol,
    side: fromSide(fill.side),
    volume: fill.lots,
    price_open: fill.price,
    time: fill.time,
    sl: 0,
    tp: 0,
    magic: 0,
    comment: fill.clientOrderId,
    swap: 0,
    profit: 0,
    price_current: 0,
  };
}
