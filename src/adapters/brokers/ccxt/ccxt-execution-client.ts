import { createHash } from 'node:crypto';
import type { Exchange, Order } from 'ccxt';
import { DomainError, isDomainError } from '../../../shared/contract/errors';
import { accountRate } from '../../../core/domain/account-currency';
import type { Instrument } from '../../../core/domain/instruments';
import { positionPnl } from '../../../core/domain/position-pnl';
import { oppositeSide, sideSign, type ClosedTrade, type ExitReason, type OrderFilled, type Position, type SubmitOrder } from '../../../core/domain/trading';
import type { BrokerOrder, ExecutionClient, ExecutionListener, SubmitOutcome } from '../../../core/ports/execution-client';
import type { BookOrder, CcxtBook } from './ccxt-book';
import { isDuplicateClientOrderId, isOrderNotFound, orderOutcomeOf } from './ccxt-errors';
import type { CcxtSession } from './ccxt-session';

export interface CcxtExecutionOptions {
  /**
   * How long after sending an order that the exchange does not (yet) know is still possibly in flight. Binance drops
   * a request older than its recvWindow (10 s in ccxt), so after this the order can no longer appear. Default 30 s.
   */
  inFlightWindowMs?: number;
  /** How often orders accepted but not filled yet, and orders with an unknown outcome, are asked about. Default 2 s. */
  orderPollMs?: number;
  /** How often prices are checked for the take-profit/stop-loss of positions that have one. Default 5 s. */
  protectionPollMs?: number;
}

/** Binance accepts ^[.A-Z:/a-z0-9_-]{1,36}$; most others at least 32 letters and digits. */
export function exchangeClientOrderId(exchangeId: string, ours: string): string {
  const pattern = exchangeId.startsWith('binance') ? /^[.A-Z:/a-z0-9_-]{1,36}$/ : /^[A-Za-z0-9]{1,32}$/;
  if (pattern.test(ours)) return ours;
  return `e${createHash('sha256').update(ours).digest('hex').slice(0, 31)}`;
}

function clientOrderIdParams(exchange: Exchange, id: string, lookup: boolean): Record<string, string> {
  if (exchange.id.startsWith('binance')) return lookup ? { origClientOrderId: id } : { newClientOrderId: id };
  return { clientOrderId: id };
}

interface FillFacts {
  filled: number;
  price: number;
  time: number;
  /** Fees valued in the quote currency. */
  commission: number;
  /** Fees charged in the base currency (they shrink what a buy holds). */
  feeInBase: number;
}

/**
 * Orders of the engine's tasks on one ccxt account.
 *
 * - Every order carries our client order id (Binance: newClientOrderId) and is written to the book as 'sending' before
 *   the request leaves. This client sends a client order id at most once, ever.
 * - A timeout, dropped connection or 5xx on an order → 'unknown'; it is resolved by asking the exchange for the client
 *   order id (findOrder, and a background poll), never by sending again. Rate-limit and other refusals → 'rejected'.
 * - Fills reach the listener exactly once, in order: on submit after the promise resolved; on findOrder before it
 *   resolves (so the caller already sees the position); otherwise from the background poll.
 * - Spot exchanges hold balances, not positions: a task's positions are what its filled orders opened (amount net of a
 *   fee charged in the base currency, so the close can sell what is actually held). Take-profit/stop-loss are watched
 *   here against the exchange's ticker and closed with a market order.
 */
export class CcxtExecutionClient implements ExecutionClient {
  readonly kind = 'ccxt' as const;
  private readonly listeners = new Map<string, ExecutionListener>();
  private readonly inFlightWindowMs: number;
  private readonly orderPollMs: number;
  private readonly protectionPollMs: number;
  private orderTimer: NodeJS.Timeout | undefined;
  private protectionTimer: NodeJS.Timeout | undefined;
  private readonly resolving = new Map<string, Promise<BrokerOrder | undefined>>();
  /** Orders whose createOrder request is under way in this process: the background poll leaves them to submit. */
  private readonly sending = new Set<string>();
  private closed = false;

  constructor(
    private readonly session: CcxtSession,
    private readonly book: CcxtBook,
    options: CcxtExecutionOptions = {},
  ) {
    this.inFlightWindowMs = options.inFlightWindowMs ?? 30_000;
    this.orderPollMs = options.orderPollMs ?? 2_000;
    this.protectionPollMs = options.protectionPollMs ?? 5_000;
  }

  private now(): number {
    return this.session.clock.now().getTime();
  }

  setListener(taskId: string, listener: ExecutionListener | undefined): void {
    if (listener) this.listeners.set(taskId, listener);
    else this.listeners.delete(taskId);
  }

  async submit(order: SubmitOrder): Promise<SubmitOutcome> {
    const known = this.book.order(order.clientOrderId);
    if (known) return this.answerForRepeat(known);

    let exchange: Exchange;
    try {
      exchange = await this.session.ready();
    } catch (error) {
      return { status: 'rejected', reason: `not sent: ${this.session.toError(error, 'connect').message}` };
    }
    const exchangeId = exchangeClientOrderId(exchange.id, order.clientOrderId);
    const refuse = (reason: string): SubmitOutcome => {
      this.book.recordRefused(order, exchangeId, reason, this.now());
      return { status: 'rejected', reason };
    };
    const market = this.session.market(order.symbol);
    if (!market) return refuse(`${this.session.description.name} does not list ${order.symbol}; use a symbol of its markets such as BTC/USDT`);

    let lots = order.lots;
    if (order.closesPositionId !== undefined) {
      const held = this.book.position(order.closesPositionId);
      if (!held || held.status === 'closed') return refuse(`position ${order.closesPositionId} is not open on this account`);
      if (held.status === 'closing' && held.closingOrderId !== order.clientOrderId) {
        return refuse(`position ${order.closesPositionId} is already being closed by order ${held.closingOrderId}`);
      }
      lots = held.position.lots;
    }
    const min = market.limits?.amount?.min ?? this.session.instrument(order.symbol)?.minLot;
    const belowMinimum = () => refuse(`${lots} ${market.base} is below the minimum order amount of ${order.symbol} (${min ?? 'one step'}); not sent`);
    if (!(lots > 0) || (typeof min === 'number' && lots < min)) return belowMinimum();
    let amount: number;
    try {
      amount = Number(exchange.amountToPrecision(order.symbol, lots));
    } catch (error) {
      return refuse(this.session.toError(error, `size an order of ${lots} ${order.symbol}`).message);
    }
    if (!(amount > 0) || (typeof min === 'number' && amount < min)) return belowMinimum();

    this.sending.add(order.clientOrderId);
    try {
      return await this.send(order, exchangeId, amount);
    } finally {
      this.sending.delete(order.clientOrderId);
    }
  }

  private async send(order: SubmitOrder, exchangeId: string, amount: number): Promise<SubmitOutcome> {
    this.book.transaction(() => {
      this.book.recordSending(order, exchangeId, amount, this.now());
      if (order.closesPositionId !== undefined) {
        const held = this.book.position(order.closesPositionId);
        if (held) this.book.savePosition(held.position, 'closing', order.clientOrderId);
      }
    });
    let result: Order;
    try {
      result = await this.session.call((ex) =>
        ex.createOrder(order.symbol, 'market', order.side === 'BUY' ? 'buy' : 'sell', amount, undefined, clientOrderIdParams(ex, exchangeId, false)),
      );
    } catch (error) {
      return this.onSendFailed(order, error);
    }
    const row = this.book.order(order.clientOrderId) as BookOrder;
    this.book.setOrder(order.clientOrderId, 'open', { exchangeOrderId: result.id ?? null }, this.now());
    const facts = await this.factsOf({ ...row, status: 'open' }, result);
    // The caller records "accepted" when this promise resolves; the fill is delivered right after that.
    setImmediate(() => {
      const current = this.book.order(order.clientOrderId);
      if (current) this.apply(current, result, facts);
    });
    return { status: 'accepted', ...(result.id ? { brokerOrderId: String(result.id) } : {}) };
  }

  private async onSendFailed(order: SubmitOrder, error: unknown): Promise<SubmitOutcome> {
    if (isDuplicateClientOrderId(error)) {
      // The exchange already has an order with this id: it is ours. Ask for it rather than guess.
      this.book.setOrder(order.clientOrderId, 'unknown', { error: 'the exchange reported this client order id as already used' }, this.now());
      const found = await this.findOrder(order.clientOrderId).catch(() => undefined);
      if (found && found.status !== 'rejected' && found.status !== 'cancelled') return { status: 'accepted' };
      return { status: 'unknown', reason: 'the exchange reported this client order id as already used; asking it for the order' };
    }
    const mapped = this.session.toError(error, `place ${order.side} ${order.lots} ${order.symbol}`);
    if (orderOutcomeOf(error) === 'unknown') {
      this.book.setOrder(order.clientOrderId, 'unknown', { error: mapped.message }, this.now());
      this.session.log('warn', 'order outcome unknown; resolving by client order id', { client_order_id: order.clientOrderId, detail: mapped.message });
      this.schedulePolling();
      return { status: 'unknown', reason: `${mapped.message} The order may have reached the exchange; it is looked up by its client order id, not sent again.` };
    }
    this.book.transaction(() => {
      this.book.setOrder(order.clientOrderId, 'rejected', { error: mapped.message }, this.now());
      this.releaseClosing(order);
    });
    return { status: 'rejected', reason: `[${mapped.code}] ${mapped.message}` };
  }

  /** A client order id this client has seen before: answer from the book (and the exchange), never send it again. */
  private async answerForRepeat(known: BookOrder): Promise<SubmitOutcome> {
    switch (known.status) {
      case 'filled':
      case 'open':
        return { status: 'accepted', ...(known.exchangeOrderId ? { brokerOrderId: known.exchangeOrderId } : {}) };
      case 'rejected':
      case 'cancelled':
        return { status: 'rejected', reason: known.error ?? 'rejected earlier' };
      default: {
        const found = await this.findOrder(known.clientOrderId).catch(() => undefined);
        if (found && (found.status === 'accepted' || found.status === 'filled')) return { status: 'accepted' };
        if (found) return { status: 'rejected', reason: known.error ?? found.status };
        return { status: 'unknown', reason: 'already sent once with an unknown outcome; it is being looked up, not sent again' };
      }
    }
  }

  async findOrder(clientOrderId: string): Promise<BrokerOrder | undefined> {
    const row = this.book.order(clientOrderId);
    if (!row) return undefined;
    if (row.status === 'filled') return { clientOrderId, status: 'filled', ...(row.fill ? { fill: row.fill } : {}) };
    if (row.status === 'rejected') return { clientOrderId, status: 'rejected' };
    if (row.status === 'cancelled') return { clientOrderId, status: 'cancelled' };
    // One lookup per order at a time (the kernel and the background poll may ask together).
    const running = this.resolving.get(clientOrderId);
    if (running) return running;
    const lookup = this.resolve(row).finally(() => this.resolving.delete(clientOrderId));
    this.resolving.set(clientOrderId, lookup);
    return lookup;
  }

  private async resolve(row: BookOrder): Promise<BrokerOrder | undefined> {
    let found: Order | undefined;
    try {
      found = await this.lookup(row);
    } catch (error) {
      throw isDomainError(error) ? error : this.session.toError(error, `look up order ${row.clientOrderId}`);
    }
    if (!found) {
      const age = this.now() - row.sentAt;
      if (age < this.inFlightWindowMs) {
        throw new DomainError(
          'EXCHANGE_UNAVAILABLE',
          `${this.session.description.name} does not know order ${row.clientOrderId} yet, but it was sent ${Math.round(age / 1000)} s ago and ` +
            `may still arrive; ask again after ${Math.round(this.inFlightWindowMs / 1000)} s`,
        );
      }
      this.book.transaction(() => {
        this.book.setOrder(row.clientOrderId, 'cancelled', { error: 'never reached the exchange; not sent again' }, this.now());
        this.releaseClosing(row.order);
      });
      this.session.log('info', 'order never reached the exchange', { client_order_id: row.clientOrderId });
      return undefined;
    }
    const facts = await this.factsOf(row, found);
    const current = this.book.order(row.clientOrderId) as BookOrder;
    const status = this.apply(current, found, facts);
    const after = this.book.order(row.clientOrderId) as BookOrder;
    if (status === 'filled') return { clientOrderId: row.clientOrderId, status: 'filled', ...(after.fill ? { fill: after.fill } : {}) };
    return { clientOrderId: row.clientOrderId, status };
  }

  /** The exchange's view of an order we sent: by its exchange id when we have it, else by our client order id. */
  private async lookup(row: BookOrder): Promise<Order | undefined> {
    return this.session.call(async (exchange) => {
      const byClientId = clientOrderIdParams(exchange, row.exchangeClientOrderId, true);
      if (exchange.has.fetchOrder) {
        try {
          return row.exchangeOrderId
            ? await exchange.fetchOrder(row.exchangeOrderId, row.symbol)
            : await exchange.fetchOrder(row.exchangeClientOrderId, row.symbol, byClientId);
        } catch (error) {
          if (isOrderNotFound(error)) return undefined;
          if (!(error instanceof Error) || !/not ?supported|requires|argument/i.test(error.message)) throw error;
        }
      }
      // Exchanges that cannot fetch by client order id: scan the open and recent orders of the symbol.
      const since = row.sentAt - 60_000;
      const candidates: Order[] = [];
      if (exchange.has.fetchOpenOrders) candidates.push(...(await exchange.fetchOpenOrders(row.symbol)));
      if (exchange.has.fetchClosedOrders) candidates.push(...(await exchange.fetchClosedOrders(row.symbol, since)));
      else if (exchange.has.fetchOrders) candidates.push(...(await exchange.fetchOrders(row.symbol, since)));
      return candidates.find((o) => o.clientOrderId === row.exchangeClientOrderId);
    });
  }

  /** Price, amount, time and fees of what an order filled (fees looked up in its trades when the order lacks them). */
  private async factsOf(row: BookOrder, order: Order): Promise<FillFacts> {
    const filled = order.filled ?? (order.status === 'closed' ? (order.amount ?? row.amount) : 0);
    const price = order.average ?? (order.cost && filled ? order.cost / filled : undefined) ?? order.price ?? 0;
    let fees = feesOf(order);
    const exchange = this.session.loaded();
    if (!fees.length && filled > 0 && order.id && exchange?.has.fetchOrderTrades) {
      try {
        const trades = await this.session.call((ex) => ex.fetchOrderTrades(String(order.id), row.symbol));
        fees = trades.flatMap((t) => feesOf(t));
      } catch {
        /* the fee is then unknown (0): the fill itself is certain */
      }
    }
    const market = this.session.market(row.symbol);
    let commission = 0;
    let feeInBase = 0;
    for (const fee of fees) {
      const cost = fee.cost ?? 0;
      if (fee.currency === market?.quote) commission += cost;
      else if (fee.currency === market?.base) {
        commission += cost * price;
        feeInBase += cost;
      }
    }
    return { filled, price, time: order.lastTradeTimestamp ?? order.timestamp ?? this.now(), commission, feeInBase };
  }

  /**
   * Brings the book up to date with the exchange's view of an order and tells the task's listener, once. Synchronous:
   * the status is re-read inside, so two answers about one order cannot both deliver.
   */
  private apply(row: BookOrder, order: Order, facts: FillFacts): BrokerOrder['status'] {
    if (row.status === 'filled') return 'filled';
    if (row.status === 'rejected' || row.status === 'cancelled') return row.status;
    const status = String(order.status ?? 'open');
    const done = status === 'closed' || ((status === 'canceled' || status === 'expired' || status === 'rejected') && facts.filled > 0);
    const now = this.now();
    if (!done) {
      if (status === 'open' || status === 'undefined') {
        this.book.setOrder(row.clientOrderId, 'open', { exchangeOrderId: order.id ?? null }, now);
        this.schedulePolling();
        return 'accepted';
      }
      const reason = `${this.session.description.name} ${status === 'rejected' ? 'rejected' : 'cancelled'} the order without a fill`;
      this.book.transaction(() => {
        this.book.setOrder(row.clientOrderId, status === 'rejected' ? 'rejected' : 'cancelled', { exchangeOrderId: order.id ?? null, error: reason }, now);
        this.releaseClosing(row.order);
      });
      this.listeners.get(row.taskId)?.onCancelled(row.clientOrderId, reason);
      return status === 'rejected' ? 'rejected' : 'cancelled';
    }
    const instrument = this.session.instrument(row.symbol);
    const events: (() => void)[] = [];
    this.book.transaction(() => {
      const submit = row.order;
      if (submit.closesPositionId === undefined) {
        const { fill, position } = this.opened(row, facts, instrument);
        this.book.setOrder(row.clientOrderId, 'filled', { exchangeOrderId: order.id ?? null, fill }, now);
        this.book.savePosition(position, 'open');
        events.push(() => this.listeners.get(row.taskId)?.onFilled(fill));
      } else {
        const held = this.book.position(submit.closesPositionId);
        if (!held || held.status === 'closed') {
          this.book.setOrder(row.clientOrderId, 'filled', { exchangeOrderId: order.id ?? null }, now);
          this.session.log('warn', 'a close filled for a position the book no longer holds', { client_order_id: row.clientOrderId });
          return;
        }
        const { fill, trade, remaining } = this.closedBy(row, held.position, facts, instrument, submit.exitReason ?? 'signal');
        this.book.setOrder(row.clientOrderId, 'filled', { exchangeOrderId: order.id ?? null, fill }, now);
        this.book.closePosition(held.position.id, trade);
        if (remaining) this.book.savePosition(remaining, 'open');
        events.push(() => {
          const listener = this.listeners.get(row.taskId);
          listener?.onFilled(fill);
          listener?.onClosed(trade);
        });
      }
    });
    for (const deliver of events) deliver();
    return 'filled';
  }

  private opened(row: BookOrder, facts: FillFacts, instrument: Instrument | undefined): { fill: OrderFilled; position: Position } {
    const submit = row.order;
    const step = instrument?.lotStep ?? 0;
    // A buy charged in the base holds less than it bought: the position is what can be sold again.
    let lots = facts.filled;
    let commission = facts.commission;
    if (submit.side === 'BUY' && facts.feeInBase > 0) {
      const net = facts.filled - facts.feeInBase;
      lots = step > 0 ? Number((Math.floor(net / step + 1e-9) * step).toFixed(decimals(step))) : net;
      commission = facts.commission - facts.feeInBase * facts.price + (facts.filled - lots) * facts.price;
    }
    const position: Position = {
      id: submit.clientOrderId,
      taskId: submit.taskId,
      symbol: submit.symbol,
      side: submit.side,
      lots,
      entryPrice: facts.price,
      entryTime: facts.time,
      takeProfit: submit.takeProfit ?? null,
      stopLoss: submit.stopLoss ?? null,
      magic: submit.magic,
      clientOrderId: submit.clientOrderId,
      commission,
    };
    const fill: OrderFilled = {
      clientOrderId: submit.clientOrderId,
      positionId: position.id,
      taskId: submit.taskId,
      symbol: submit.symbol,
      side: submit.side,
      lots,
      price: facts.price,
      time: facts.time,
      commission,
      opens: true,
    };
    return { fill, position };
  }

  private closedBy(
    row: BookOrder,
    p: Position,
    facts: FillFacts,
    instrument: Instrument | undefined,
    exitReason: ExitReason,
  ): { fill: OrderFilled; trade: ClosedTrade; remaining: Position | undefined } {
    const lots = Math.min(facts.filled, p.lots);
    const contractSize = instrument?.contractSize ?? 1;
    // The kernel trades symbols whose quote is the account currency (USD, USDT) or whose base is; others stay in the quote.
    const rate = instrument ? (accountRate(instrument, facts.price) ?? 1) : 1;
    const entryShare = p.lots > 0 ? (p.commission * lots) / p.lots : 0;
    const pnl = positionPnl({ side: p.side, entryPrice: p.entryPrice, lots }, contractSize, facts.price, rate) - (entryShare + facts.commission) * rate;
    const fill: OrderFilled = {
      clientOrderId: row.clientOrderId,
      positionId: p.id,
      taskId: p.taskId,
      symbol: p.symbol,
      side: oppositeSide(p.side),
      lots,
      price: facts.price,
      time: facts.time,
      commission: facts.commission,
      opens: false,
      exitReason,
      pnl,
    };
    const trade: ClosedTrade = {
      positionId: p.id,
      taskId: p.taskId,
      symbol: p.symbol,
      side: p.side,
      lots,
      entryPrice: p.entryPrice,
      entryTime: p.entryTime,
      exitPrice: facts.price,
      exitTime: facts.time,
      exitReason,
      pnl,
      commission: entryShare + facts.commission,
      magic: p.magic,
      clientOrderId: p.clientOrderId,
    };
    const left = Number((p.lots - lots).toFixed(12));
    const remaining = left > 0 && instrument && left >= instrument.minLot ? { ...p, lots: left, commission: p.commission - entryShare } : undefined;
    return { fill, trade, remaining };
  }

  private releaseClosing(order: SubmitOrder): void {
    if (order.closesPositionId === undefined) return;
    const held = this.book.position(order.closesPositionId);
    if (held && held.status === 'closing' && held.closingOrderId === order.clientOrderId) this.book.savePosition(held.position, 'open');
  }

  async setProtection(taskId: string, positionId: string, takeProfit: number | null, stopLoss: number | null): Promise<void> {
    const held = this.book.position(positionId);
    if (!held || held.status === 'closed' || held.position.taskId !== taskId) return;
    this.book.savePosition({ ...held.position, takeProfit, stopLoss }, held.status === 'closing' ? 'closing' : 'open', held.closingOrderId);
    this.scheduleProtection();
  }

  async positions(taskId: string): Promise<Position[]> {
    return this.book.openPositions(taskId).map((p) => p.position);
  }

  async allPositions(): Promise<Position[]> {
    return this.book.openPositions().map((p) => p.position);
  }

  /** Starts the background work the book needs after a restart (pending orders, protected positions). */
  resume(): void {
    if (this.book.pendingOrders().length) this.schedulePolling();
    if (this.book.openPositions().some((p) => p.position.takeProfit !== null || p.position.stopLoss !== null)) this.scheduleProtection();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.orderTimer);
    clearTimeout(this.protectionTimer);
    this.orderTimer = undefined;
    this.protectionTimer = undefined;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Background: orders that are open or whose outcome is unknown; take-profit and stop-loss.

  private schedulePolling(): void {
    if (this.closed || this.orderTimer) return;
    this.orderTimer = setTimeout(() => void this.pollOrders(), this.orderPollMs);
    this.orderTimer.unref?.();
  }

  private async pollOrders(): Promise<void> {
    for (const row of this.book.pendingOrders()) {
      if (this.closed) return;
      if (this.sending.has(row.clientOrderId)) continue;
      try {
        await this.findOrder(row.clientOrderId);
      } catch {
        /* still unknown (in flight, or the exchange is unreachable): asked again next round */
      }
    }
    this.orderTimer = undefined;
    if (this.book.pendingOrders().some((r) => !this.sending.has(r.clientOrderId))) this.schedulePolling();
  }

  private scheduleProtection(): void {
    if (this.closed || this.protectionTimer) return;
    this.protectionTimer = setTimeout(() => void this.checkProtection(), this.protectionPollMs);
    this.protectionTimer.unref?.();
  }

  private protectiveCloses = 0;

  /** Closes positions whose take-profit or stop-loss the exchange's price has reached (long: bid, short: ask). */
  async checkProtection(): Promise<void> {
    this.protectionTimer = undefined;
    const protectedPositions = this.book.openPositions().filter((p) => p.status === 'open' && (p.position.takeProfit !== null || p.position.stopLoss !== null));
    const symbols = [...new Set(protectedPositions.map((p) => p.position.symbol))];
    for (const symbol of symbols) {
      if (this.closed) return;
      let bid: number;
      let ask: number;
      try {
        const ticker = await this.session.call((ex) => ex.fetchTicker(symbol));
        bid = ticker.bid ?? ticker.last ?? Number.NaN;
        ask = ticker.ask ?? ticker.last ?? Number.NaN;
      } catch {
        continue;
      }
      for (const { position: p } of protectedPositions.filter((x) => x.position.symbol === symbol)) {
        const price = p.side === 'BUY' ? bid : ask;
        if (!Number.isFinite(price)) continue;
        const sign = sideSign(p.side);
        let reason: ExitReason | undefined;
        if (p.stopLoss !== null && (price - p.stopLoss) * sign <= 0) reason = 'stop_loss';
        else if (p.takeProfit !== null && (price - p.takeProfit) * sign >= 0) reason = 'take_profit';
        if (!reason) continue;
        const close: SubmitOrder = {
          clientOrderId: `${p.clientOrderId}-x${(this.protectiveCloses++).toString(36)}`,
          taskId: p.taskId,
          symbol: p.symbol,
          side: oppositeSide(p.side),
          lots: p.lots,
          closesPositionId: p.id,
          magic: p.magic,
          reason: `${reason === 'stop_loss' ? 'stop-loss' : 'take-profit'} ${reason === 'stop_loss' ? p.stopLoss : p.takeProfit} reached at ${price}`,
          exitReason: reason,
          decidedAt: this.now(),
        };
        const outcome = await this.submit(close);
        this.session.log(outcome.status === 'rejected' ? 'warn' : 'info', 'protective close', { position_id: p.id, reason, outcome: outcome.status });
      }
    }
    if (this.book.openPositions().some((p) => p.position.takeProfit !== null || p.position.stopLoss !== null)) this.scheduleProtection();
  }
}

type FeeLike = { cost?: number; currency?: string };

/** ccxt's `fees` (all fees of an order or trade, typed loosely by ccxt) or else its single `fee`. */
function feesOf(item: { fee?: unknown }): FeeLike[] {
  const all = (item as { fees?: unknown }).fees;
  const list = (Array.isArray(all) && all.length ? all : item.fee ? [item.fee] : []) as FeeLike[];
  return list.filter((f) => f && typeof f.cost === 'number');
}

function decimals(step: number): number {
  const text = step.toString();
  if (text.includes('e-')) return Number(text.split('e-')[1]);
  return text.includes('.') ? (text.split('.')[1] ?? '').length : 0;
}
