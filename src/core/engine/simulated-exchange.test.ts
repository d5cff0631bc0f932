import { describe, expect, it } from 'vitest';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import type { ClosedTrade, OrderFilled, Side, SubmitOrder } from '../domain/trading';
import { DEFAULT_EXECUTION_MODEL, SimulatedExchange, type ExecutionModel } from './simulated-exchange';

const XAU = builtinInstrument('XAUUSD') as Instrument; // point 0.01, 100 oz per lot
const JPY = builtinInstrument('USDJPY') as Instrument; // point 0.001, 100,000 per lot

function harness(model: Partial<ExecutionModel> = {}, instrument = XAU, accountRate: (p: number) => number = () => 1) {
  const fills: OrderFilled[] = [];
  const closed: ClosedTrade[] = [];
  const cancelled: SubmitOrder[] = [];
  const exchange = new SimulatedExchange(instrument, { ...DEFAULT_EXECUTION_MODEL, ...model }, accountRate, {
    onFilled: (f) => fills.push(f),
    onClosed: (t) => closed.push(t),
    onCancelled: (o) => cancelled.push(o),
  });
  let n = 0;
  const open = (side: Side, lots: number, extra: Partial<SubmitOrder> = {}, closeBid = 0): string => {
    const id = `o${n++}`;
    exchange.submit({ clientOrderId: id, taskId: 't', symbol: instrument.symbol, side, lots, magic: 7, reason: 'test', decidedAt: 0, ...extra }, 0, closeBid);
    return id;
  };
  const closeOrder = (positionId: string, side: Side, lots: number): string => {
    const id = `c${n++}`;
    exchange.submit({ clientOrderId: id, taskId: 't', symbol: instrument.symbol, side, lots, magic: 7, reason: 'test', decidedAt: 0, closesPositionId: positionId, exitReason: 'signal' }, 0, 0);
    return id;
  };
  return { exchange, fills, closed, cancelled, open, closeOrder };
}

describe('SimulatedExchange fills', () => {
  it('fills a market order at the NEXT bar open by default, not when submitted', () => {
    const h = harness();
    h.open('BUY', 0.1, {}, 2400);
    expect(h.fills).toHaveLength(0);
    expect(h.exchange.pendingOrders()).toHaveLength(1);
    h.exchange.processBar(60_000, 2401, 2405, 2399);
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]).toMatchObject({ price: 2401, time: 60_000, opens: true, lots: 0.1, side: 'BUY' });
    expect(h.exchange.positions[0]).toMatchObject({ entryPrice: 2401, entryTime: 60_000, magic: 7 });
    expect(h.exchange.pendingOrders()).toHaveLength(0);
  });

  it("fills at once at the decision bar's close with fillAt 'close'", () => {
    const h = harness({ fillAt: 'close' });
    h.open('SELL', 0.2, {}, 2400.5);
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]?.price).toBe(2400.5);
  });

  it('buys at the ask (bid + spread) and sells at the bid; closes the other way round', () => {
    const h = harness({ spreadPoints: 30 }); // 0.30 $ on gold
    const buy = h.open('BUY', 1);
    const sell = h.open('SELL', 1);
    h.exchange.processBar(1, 2000, 2001, 1999);
    expect(h.fills.map((f) => f.price)).toEqual([2000.3, 2000]);
    h.closeOrder(buy, 'SELL', 1);
    h.closeOrder(sell, 'BUY', 1);
    h.exchange.processBar(2, 2010, 2011, 2009);
    const [b, s] = h.closed;
    // BUY closes at the bid 2010: (2010 − 2000.3) × 100 oz; SELL closes at the ask 2010.3: (2000 − 2010.3) × 100
    expect(b?.exitPrice).toBe(2010);
    expect(b?.pnl).toBeCloseTo((2010 - 2000.3) * 100, 9);
    expect(s?.exitPrice).toBeCloseTo(2010.3, 9);
    expect(s?.pnl).toBeCloseTo((2000 - 2010.3) * 100, 9);
    expect(h.closed.every((t) => t.exitReason === 'signal')).toBe(true);
  });

  it('slips market fills against the trader, both on entry and on exit', () => {
    const h = harness({ slippagePoints: 5 });
    const buy = h.open('BUY', 1);
    const sell = h.open('SELL', 1);
    h.exchange.processBar(1, 2000, 2001, 1999);
    expect(h.fills[0]?.price).toBeCloseTo(2000.05, 9);
    expect(h.fills[1]?.price).toBeCloseTo(1999.95, 9);
    h.closeOrder(buy, 'SELL', 1);
    h.closeOrder(sell, 'BUY', 1);
    h.exchange.processBar(2, 2000, 2001, 1999);
    expect(h.closed.find((t) => t.side === 'BUY')?.exitPrice).toBeCloseTo(1999.95, 9);
    expect(h.closed.find((t) => t.side === 'SELL')?.exitPrice).toBeCloseTo(2000.05, 9);
    // A round trip at an unchanged price costs 2 × slippage on each position.
    for (const t of h.closed) expect(t.pnl).toBeCloseTo(-0.1 * 100, 9);
  });

  it('charges commission per lot and % of notional on each side, net in the pnl', () => {
    const h = harness({ commissionPerLot: 3.5, commissionPct: 0.01 });
    const id = h.open('BUY', 2);
    h.exchange.processBar(1, 2000, 2000, 2000);
    const entryCommission = 3.5 * 2 + 0.0001 * 2000 * 2 * 100;
    expect(h.fills[0]?.commission).toBeCloseTo(entryCommission, 9);
    // Floating result is net of the entry commission.
    expect(h.exchange.floatingPnl(2001)).toBeCloseTo(1 * 2 * 100 - entryCommission, 9);
    h.closeOrder(id, 'SELL', 2);
    h.exchange.processBar(2, 2010, 2010, 2010);
    const exitCommission = 3.5 * 2 + 0.0001 * 2010 * 2 * 100;
    const trade = h.closed[0] as ClosedTrade;
    expect(trade.commission).toBeCloseTo(entryCommission + exitCommission, 9);
    expect(trade.pnl).toBeCloseTo(10 * 2 * 100 - entryCommission - exitCommission, 9);
  });

  it('converts quote-currency results into the account currency (USDJPY: divide by the price)', () => {
    const h = harness({}, JPY, (price) => 1 / price);
    const id = h.open('BUY', 1);
    h.exchange.processBar(1, 110, 110, 110);
    h.closeOrder(id, 'SELL', 1);
    h.exchange.processBar(2, 110.5, 110.5, 110.5);
    expect(h.closed[0]?.pnl).toBeCloseTo((0.5 * 100_000) / 110.5, 9);
  });

  it('cancels a close order whose position is already gone (closed by its take-profit)', () => {
    const h = harness();
    const id = h.open('BUY', 1, { takeProfit: 2005 });
    h.exchange.processBar(1, 2000, 2006, 1999); // fills at 2000, TP 2005 touched in the same bar
    expect(h.closed[0]?.exitReason).toBe('take_profit');
    const closeId = h.closeOrder(id, 'SELL', 1);
    h.exchange.processBar(2, 2001, 2002, 2000);
    expect(h.cancelled.map((o) => o.clientOrderId)).toEqual([closeId]);
    expect(h.closed).toHaveLength(1);
  });

  it('cancelQueuedEntries drops queued entries and keeps queued closes', () => {
    const h = harness();
    const id = h.open('BUY', 1);
    h.exchange.processBar(1, 2000, 2000, 2000);
    h.open('BUY', 1);
    h.closeOrder(id, 'SELL', 1);
    h.exchange.cancelQueuedEntries();
    expect(h.cancelled).toHaveLength(1);
    expect(h.exchange.pendingOrders().map((o) => o.closesPositionId)).toEqual([id]);
  });
});

describe('SimulatedExchange take-profit and stop-loss', () => {
  function withPosition(side: Side, tp: number | null, sl: number | null, model: Partial<ExecutionModel> = {}) {
    const h = harness(model);
    h.open(side, 1, { takeProfit: tp, stopLoss: sl });
    h.exchange.processBar(1, 2000, 2000, 2000); // fills at 2000 (bid), a flat bar touches nothing
    expect(h.closed).toHaveLength(0);
    return h;
  }

  it('closes a BUY at its take-profit level when the high reaches it', () => {
    const h = withPosition('BUY', 2010, 1990);
    h.exchange.processBar(2, 2005, 2009.99, 2001);
    expect(h.closed).toHaveLength(0);
    h.exchange.processBar(3, 2005, 2010, 2001);
    expect(h.closed[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 2010, exitTime: 3 });
  });

  it('closes a BUY at its stop-loss level when the low reaches it, slipped against the trader', () => {
    const h = withPosition('BUY', 2010, 1990, { slippagePoints: 10 });
    h.exchange.processBar(2, 1995, 1996, 1990);
    expect(h.closed[0]?.exitReason).toBe('stop_loss');
    expect(h.closed[0]?.exitPrice).toBeCloseTo(1989.9, 9);
  });

  it('take-profits fill at their level without slippage', () => {
    const h = withPosition('BUY', 2010, 1990, { slippagePoints: 10 });
    h.exchange.processBar(2, 2005, 2012, 2001);
    expect(h.closed[0]?.exitPrice).toBe(2010);
  });

  it('a gap through the stop fills at the open (worse than the level)', () => {
    const h = withPosition('BUY', 2010, 1990);
    h.exchange.processBar(2, 1980, 1985, 1975);
    expect(h.closed[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 1980 });
  });

  it('a gap through the take-profit fills at the open (better than the level)', () => {
    const h = withPosition('SELL', 1990, 2010);
    h.exchange.processBar(2, 1985, 1986, 1980);
    expect(h.closed[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 1985 });
  });

  it('when one bar touches both levels, the stop is assumed first', () => {
    const buy = withPosition('BUY', 2010, 1990);
    buy.exchange.processBar(2, 2000, 2015, 1985);
    expect(buy.closed[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 1990 });
    const sell = withPosition('SELL', 1990, 2010);
    sell.exchange.processBar(2, 2000, 2015, 1985);
    expect(sell.closed[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 2010 });
  });

  it('checks a SELL against the ask: the bid high must be within one spread of the stop', () => {
    const h = withPosition('SELL', 1990, 2010, { spreadPoints: 50 }); // ask = bid + 0.50
    h.exchange.processBar(2, 2005, 2009.49, 2001); // ask high 2009.99 < 2010
    expect(h.closed).toHaveLength(0);
    h.exchange.processBar(3, 2005, 2009.5, 2001); // ask high 2010.00
    expect(h.closed[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 2010 });
    // The take-profit is also an ask level: the bid must reach 1989.50.
    const tp = withPosition('SELL', 1990, 2010, { spreadPoints: 50 });
    tp.exchange.processBar(2, 1995, 1996, 1989.51);
    expect(tp.closed).toHaveLength(0);
    tp.exchange.processBar(3, 1995, 1996, 1989.5);
    expect(tp.closed[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 1990 });
  });

  it('checks a position filled at this bar\'s open against the rest of the same bar', () => {
    const h = harness();
    h.open('BUY', 1, { stopLoss: 1995 });
    h.exchange.processBar(1, 2000, 2001, 1994);
    expect(h.closed[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 1995, entryPrice: 2000 });
  });

  it('setProtection moves the levels of an open position', () => {
    const h = withPosition('BUY', null, null);
    const id = h.exchange.positions[0]?.id as string;
    h.exchange.setProtection(id, 2003, null);
    h.exchange.processBar(2, 2001, 2004, 2000);
    expect(h.closed[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 2003 });
  });
});
