import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../src/core/domain/candles';
import type { ClosedTrade, OrderFilled, SubmitOrder } from '../../src/core/domain/trading';
import type { BrokerState } from '../../src/core/ports/broker';
import { Mt5Bridge } from '../../src/adapters/brokers/mt5/mt5-bridge';
import { FakeMt5Terminal, until } from '../kit/fake-mt5-terminal';

/**
 * The MT5 bridge at the port level (BrokerConnection, ExecutionClient, MarketFeed) against the fake terminal over
 * real TCP, with the faults a real link has: answers lost mid-order, duplicated and reordered updates, a lost
 * update, a stop hit while the link was down, a frozen terminal, a half-open socket.
 */
const TOKEN = 'test-token-0123456789abcdef0123456789';
const TASK = '7';

interface Harness {
  bridge: Mt5Bridge;
  fake: FakeMt5Terminal;
  fills: OrderFilled[];
  closed: ClosedTrade[];
  states: BrokerState[];
}

const open: Harness[] = [];

async function setup(): Promise<Harness> {
  const bridge = new Mt5Bridge({
    port: 0,
    token: { value: () => TOKEN, file: '/tmp/echo-test/mt5-bridge-token' },
    appVersion: 'test',
    timings: { heartbeatMs: 50, staleAfterMs: 500, helloTimeoutMs: 2_000, commandTimeoutMs: { place: 2_000, close: 2_000 } },
    sequencing: { gapTimeoutMs: 80 },
    snapshotTimeoutMs: 300,
  });
  const port = await bridge.listen();
  const fake = new FakeMt5Terminal({ port, token: TOKEN });
  const h: Harness = { bridge, fake, fills: [], closed: [], states: [] };
  bridge.execution.setListener(TASK, {
    onFilled: (fill) => h.fills.push(fill),
    onClosed: (trade) => h.closed.push(trade),
    onCancelled: () => {},
  });
  bridge.onStateChange((state) => h.states.push(state));
  open.push(h);
  return h;
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    h.fake.disconnect();
    await h.bridge.close();
  }
});

let orderSeq = 0;
function order(extra: Partial<SubmitOrder> = {}): SubmitOrder {
  return {
    clientOrderId: `E7-test-${(orderSeq++).toString(36)}`,
    taskId: TASK,
    symbol: 'EURUSD',
    side: 'BUY',
    lots: 0.1,
    magic: 4242,
    reason: 'test',
    decidedAt: 0,
    ...extra,
  };
}

const ready = (bridge: Mt5Bridge) => until(() => bridge.status().state === 'connected' && !bridge.state().reconciling, 3_000, 'a synchronized link');

/** The engine's view (positions()) and the terminal's book must agree position by position. */
async function expectConsistent(h: Harness): Promise<void> {
  const mine = (await h.bridge.execution.allPositions()).map((p) => [p.id, p.symbol, p.side, p.lots, p.clientOrderId]).sort();
  const theirs = [...h.fake.positions.values()].map((p) => [p.ticket, p.symbol, p.side === 'buy' ? 'BUY' : 'SELL', p.volume, p.comment]).sort();
  expect(mine).toEqual(theirs);
}

describe('MT5 bridge: handshake, snapshot and states', () => {
  it('takes the snapshot: instruments, account, positions; link up and broker connected', async () => {
    const h = await setup();
    expect(h.bridge.status()).toMatchObject({ state: 'waiting_for_terminal', link: 'connecting', terminal: 'never_connected' });
    expect(h.bridge.status().setupHint).toMatch(/Allow WebRequest/);
    h.fake.openManual('XAUUSD', 'sell', 0.5);
    await h.fake.connect();
    await ready(h.bridge);
    expect(h.bridge.state()).toMatchObject({ link: 'up', broker: 'connected', reconciling: false });
    expect(h.bridge.instrument('EURUSD')).toMatchObject({ digits: 5, point: 0.00001, pipSize: 0.0001, contractSize: 100_000, minLot: 0.01, lotStep: 0.01, maxLot: 100 });
    expect(h.bridge.instrument('usdjpy')).toMatchObject({ digits: 3, pipSize: 0.01, quoteCurrency: 'JPY' });
    expect(h.bridge.instrument('GBPUSD')).toBeUndefined();
    expect(h.bridge.account()).toMatchObject({ login: '12345678', server: 'Echo-Demo', currency: 'USD', balance: expect.any(Number) });
    expect(h.bridge.symbols()?.map((s) => s.symbol)).toEqual(['EURUSD', 'XAUUSD', 'USDJPY']);
    // A position opened by hand in the terminal is in the book, assigned to no task.
    const all = await h.bridge.execution.allPositions();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ symbol: 'XAUUSD', side: 'SELL', lots: 0.5, taskId: '' });
    expect(await h.bridge.execution.positions(TASK)).toEqual([]);
    expect(h.fills).toEqual([]);
  });

  it('denies a wrong token and an unsupported protocol, and says why in the status', async () => {
    const h = await setup();
    await expect(h.fake.connect('wrong-token')).rejects.toThrow(/wrong token/);
    expect(h.bridge.status()).toMatchObject({ state: 'waiting_for_terminal', counters: { denied: 1 } });
    expect(h.bridge.status().lastDenied?.reason).toMatch(/wrong token/);
    expect(h.bridge.status().setupHint).toMatch(/refused.*wrong token/);
    const old = new FakeMt5Terminal({ port: h.bridge.port as number, token: TOKEN, protocol: 2 });
    await expect(old.connect()).rejects.toThrow(/protocol 2 is not supported/);
    old.disconnect();
  });

  it("reports the terminal's own trade-server connection separately from the link, and sends nothing while it is down", async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    h.fake.setBrokerConnected(false);
    await until(() => h.bridge.status().state === 'broker_disconnected', 1_000, 'broker_disconnected');
    expect(h.bridge.state()).toMatchObject({ link: 'up', broker: 'disconnected' });
    const outcome = await h.bridge.execution.submit(order());
    expect(outcome).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/not connected to its trade server/) });
    expect(h.fake.commands.filter((c) => c.type === 'place')).toHaveLength(0);
    h.fake.setBrokerConnected(true);
    await until(() => h.bridge.status().state === 'connected', 1_000, 'connected again');
  });

  it('a port taken by another program: bridge_error with what to do, and connect refuses with a 409', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const bridge = new Mt5Bridge({ port: taken, token: { value: () => TOKEN, file: '/tmp/t' }, appVersion: 'test' });
    try {
      await expect(bridge.listen()).rejects.toThrow();
      expect(bridge.status()).toMatchObject({ state: 'bridge_error', bridge: { listening: false, error: `port ${taken} on 127.0.0.1 is used by another program` } });
      expect(bridge.status().setupHint).toMatch(/mt5-bridge\.json/);
      await expect(bridge.connect({ login: '1', server: 'S', waitSeconds: 0 })).rejects.toMatchObject({ code: 'BRIDGE_UNAVAILABLE', status: 409 });
    } finally {
      await bridge.close();
      blocker.close();
    }
  });

  it('refuses to send when there is no link at all (rejected, never unknown), and findOrder/positions refuse to guess', async () => {
    const h = await setup();
    expect(await h.bridge.execution.submit(order())).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/not sent/) });
    await expect(h.bridge.execution.findOrder('E7-x')).rejects.toThrow(/cannot ask MetaTrader/);
    await expect(h.bridge.execution.positions(TASK)).rejects.toThrow(/not known right now/);
  });
});

describe('MT5 bridge: orders and fills', () => {
  it('fills a market order once, moves its stop, closes it once; the book matches the terminal', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const o = order({ stopLoss: 1.08, takeProfit: 1.09 });
    const outcome = await h.bridge.execution.submit(o);
    expect(outcome.status).toBe('accepted');
    const position = h.fake.positionByComment(o.clientOrderId);
    expect(position).toMatchObject({ magic: 4242, sl: 1.08, tp: 1.09, volume: 0.1 });
    expect(outcome).toMatchObject({ brokerOrderId: position?.ticket });
    await until(() => h.fills.length === 1);
    expect(h.fills[0]).toMatchObject({ clientOrderId: o.clientOrderId, positionId: position?.ticket, taskId: TASK, side: 'BUY', lots: 0.1, price: 1.0851, opens: true, commission: 0.35 });
    expect(await h.bridge.execution.positions(TASK)).toEqual([
      expect.objectContaining({ id: position?.ticket, clientOrderId: o.clientOrderId, stopLoss: 1.08, takeProfit: 1.09, magic: 4242, entryPrice: 1.0851 }),
    ]);

    await h.bridge.execution.setProtection(TASK, position?.ticket as string, 1.095, 1.082);
    expect(h.fake.positions.get(position?.ticket as string)).toMatchObject({ sl: 1.082, tp: 1.095 });

    h.fake.setPrice('EURUSD', 1.0871);
    const close = order({ side: 'SELL', closesPositionId: position?.ticket as string, exitReason: 'signal' });
    expect((await h.bridge.execution.submit(close)).status).toBe('accepted');
    await until(() => h.closed.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.fills).toHaveLength(2);
    expect(h.fills[1]).toMatchObject({ clientOrderId: close.clientOrderId, opens: false, side: 'SELL', price: 1.0871, exitReason: 'signal' });
    // (1.0871 − 1.0851) × 0.1 × 100,000 = 20.00, minus 0.35 + 0.35 commission.
    expect(h.closed[0]).toMatchObject({ positionId: position?.ticket, exitReason: 'signal', exitPrice: 1.0871, pnl: 19.3, commission: 0.7, clientOrderId: o.clientOrderId, magic: 4242 });
    expect(h.fake.executed).toBe(1);
    await expectConsistent(h);
  });

  it('answers a rejected order as rejected (the terminal refused it)', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    expect(await h.bridge.execution.submit(order({ symbol: 'GBPNZD' }))).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/not offered/) });
    expect(await h.bridge.execution.findOrder('E7-never-sent')).toBeUndefined();
  });

  it('link dropped after the order executed, before its reply: unknown, then one fill after reconnect, findOrder knows it, a resend is de-duplicated', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    h.fake.faults.dropAfterExecute = 'place';
    const o = order();
    const outcome = await h.bridge.execution.submit(o);
    expect(outcome).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/link lost before the answer/) });
    expect(h.fake.executed).toBe(1);
    await until(() => h.bridge.status().state === 'link_lost', 1_000, 'link_lost');
    expect(h.bridge.state().link).toBe('down');
    expect(h.fills).toEqual([]);

    await h.fake.connect();
    await ready(h.bridge);
    await until(() => h.fills.length === 1, 1_000, 'the fill learnt from the snapshot');
    const ticket = h.fake.positionByComment(o.clientOrderId)?.ticket;
    expect(h.fills[0]).toMatchObject({ clientOrderId: o.clientOrderId, positionId: ticket, opens: true });

    const known = await h.bridge.execution.findOrder(o.clientOrderId);
    expect(known).toMatchObject({ clientOrderId: o.clientOrderId, status: 'filled', fill: { positionId: ticket, opens: true, lots: 0.1, taskId: TASK } });

    // The engine may send the same client order id again: the EA answers it instead of trading again.
    expect(await h.bridge.execution.submit(o)).toMatchObject({ status: 'accepted', brokerOrderId: ticket });
    expect(h.fake.executed).toBe(1);
    expect(h.fake.positions.size).toBe(1);
    expect(h.fills).toHaveLength(1);
    await expectConsistent(h);
  });

  it('order executed, link dropped, then stopped out before the app was back: one open fill, one close, one trade', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    h.fake.faults.dropAfterExecute = 'place';
    const o = order({ stopLoss: 1.08 });
    expect((await h.bridge.execution.submit(o)).status).toBe('unknown');
    const ticket = h.fake.positionByComment(o.clientOrderId)?.ticket as string;
    h.fake.hitStop(ticket);
    expect(h.fake.positions.size).toBe(0);
    await h.fake.connect();
    await ready(h.bridge);
    await until(() => h.closed.length === 1, 1_000, 'the close');
    expect(h.fills.map((f) => [f.clientOrderId, f.opens])).toEqual([
      [o.clientOrderId, true],
      [`${ticket}:x`, false],
    ]);
    expect(h.closed[0]).toMatchObject({ positionId: ticket, exitReason: 'stop_loss', exitPrice: 1.08, clientOrderId: o.clientOrderId, pnl: -51.7 });
    expect(await h.bridge.execution.findOrder(o.clientOrderId)).toMatchObject({ status: 'filled', fill: { positionId: ticket, opens: true } });
    expect(await h.bridge.execution.allPositions()).toEqual([]);
  });

  it('link dropped mid-close: unknown, and after reconnect the close is reported once', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const o = order();
    await h.bridge.execution.submit(o);
    const ticket = h.fake.positionByComment(o.clientOrderId)?.ticket as string;
    h.fake.faults.dropAfterExecute = 'close';
    const close = order({ side: 'SELL', closesPositionId: ticket, exitReason: 'signal' });
    expect((await h.bridge.execution.submit(close)).status).toBe('unknown');
    expect(h.fake.positions.size).toBe(0);
    await h.fake.connect();
    await ready(h.bridge);
    await until(() => h.closed.length === 1, 1_000, 'the close');
    expect(h.closed[0]).toMatchObject({ positionId: ticket, exitReason: 'signal' });
    expect(h.fills.filter((f) => !f.opens)).toEqual([expect.objectContaining({ clientOrderId: close.clientOrderId, positionId: ticket })]);
    // Resending the close is answered from history, not executed.
    expect((await h.bridge.execution.submit(close)).status).toBe('accepted');
    expect(h.fake.deals.filter((d) => d.entry === 'out')).toHaveLength(1);
    await expectConsistent(h);
  });

  it('a stop hit while the link was down shows up after reconnect: one closing fill at the stop, one closed trade', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const a = order({ stopLoss: 1.08 });
    const b = order({ symbol: 'XAUUSD', side: 'SELL', lots: 0.2 });
    await h.bridge.execution.submit(a);
    await h.bridge.execution.submit(b);
    await until(() => h.fills.length === 2);
    const ticketA = h.fake.positionByComment(a.clientOrderId)?.ticket as string;

    h.fake.disconnect();
    await until(() => h.bridge.status().state === 'link_lost', 1_000, 'link_lost');
    h.fake.hitStop(ticketA);
    await expect(h.bridge.execution.allPositions()).rejects.toThrow();

    await h.fake.connect();
    await ready(h.bridge);
    await until(() => h.closed.length === 1, 1_000, 'the stop-out');
    // (1.08 − 1.0851) × 0.1 × 100,000 = −51.00, minus 0.35 + 0.35 commission.
    expect(h.closed[0]).toMatchObject({ positionId: ticketA, exitReason: 'stop_loss', exitPrice: 1.08, pnl: -51.7, clientOrderId: a.clientOrderId });
    expect(h.fills.filter((f) => !f.opens)).toEqual([expect.objectContaining({ positionId: ticketA, clientOrderId: `${ticketA}:x`, exitReason: 'stop_loss' })]);
    expect((await h.bridge.execution.positions(TASK)).map((p) => p.clientOrderId)).toEqual([b.clientOrderId]);
    await expectConsistent(h);

    // Another reconnect changes nothing.
    h.fake.disconnect();
    await h.fake.connect();
    await ready(h.bridge);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.closed).toHaveLength(1);
    expect(h.fills).toHaveLength(3);
  });

  it('a stop hit while connected is reported once, with the broker reason', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const o = order({ side: 'SELL', takeProfit: 1.07 });
    await h.bridge.execution.submit(o);
    const ticket = h.fake.positionByComment(o.clientOrderId)?.ticket as string;
    h.fake.hitStop(ticket, 1.0702);
    await until(() => h.closed.length === 1);
    expect(h.closed[0]).toMatchObject({ positionId: ticket, exitReason: 'stop_loss', exitPrice: 1.0702 });
    await expectConsistent(h);
  });
});

describe('MT5 bridge: duplicated, reordered and lost updates', () => {
  it('applies duplicated and reordered updates once and in order: no double fill, consistent book, bars once each', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const bars: Candle[] = [];
    h.bridge.bars.subscribe('EURUSD', '1H', null, (bar) => void bars.push(bar));
    await until(() => h.fake.subscribed.symbols.includes('EURUSD'), 1_000, 'the subscription');

    h.fake.faults.duplicateUpdates = true;
    h.fake.faults.reorderUpdates = true;
    const orders = [order(), order({ side: 'SELL' }), order({ symbol: 'XAUUSD' })];
    for (const o of orders) expect((await h.bridge.execution.submit(o)).status).toBe('accepted');
    const first = h.fake.positionByComment(orders[0]?.clientOrderId as string)?.ticket as string;
    await h.bridge.execution.submit(order({ side: 'SELL', closesPositionId: first }));
    const hour = 3_600_000;
    const t0 = Math.floor(Date.now() / hour) * hour - 10 * hour;
    for (let i = 0; i < 6; i++) h.fake.closeBar('EURUSD', 'H1', t0 + i * hour, 1.08 + i / 1000);
    await until(() => bars.length === 6, 2_000, 'six bars');
    await new Promise((r) => setTimeout(r, 100));

    expect(bars.map((b) => b.time)).toEqual([0, 1, 2, 3, 4, 5].map((i) => t0 + i * hour));
    expect(h.fills.filter((f) => f.opens).map((f) => f.clientOrderId).sort()).toEqual(orders.map((o) => o.clientOrderId).sort());
    expect(h.fills.filter((f) => !f.opens)).toHaveLength(1);
    expect(h.closed).toHaveLength(1);
    const counters = h.bridge.status().counters;
    expect(counters.duplicatesIgnored).toBeGreaterThan(5);
    expect(counters.reordered).toBeGreaterThan(2);
    expect(counters.resyncs).toBe(0);
    expect(h.fake.executed).toBe(3);
    await expectConsistent(h);
  });

  it('a lost update (seq gap) makes the app ask for a resync; the new snapshot restores the book and the close is still reported', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const o = order();
    await h.bridge.execution.submit(o);
    const ticket = h.fake.positionByComment(o.clientOrderId)?.ticket as string;
    h.fake.faults.skipNextSeq = true;
    h.fake.hitStop(ticket, 1.08);
    await until(() => h.fake.commands.some((c) => c.type === 'resync'), 1_000, 'a resync');
    await until(() => h.closed.length === 1, 1_000, 'the close learnt via the new snapshot');
    expect(h.closed[0]).toMatchObject({ positionId: ticket, exitReason: 'stop_loss', exitPrice: 1.08 });
    expect(h.bridge.status().counters.resyncs).toBe(1);
    await expectConsistent(h);
  });

  it('asks for a snapshot when none follows the welcome', async () => {
    const h = await setup();
    h.fake.faults.withholdSnapshot = true;
    await h.fake.connect();
    expect(h.bridge.status().state).toBe('synchronizing');
    expect(h.bridge.state()).toMatchObject({ link: 'connecting', reconciling: true });
    await until(() => h.fake.commands.some((c) => c.type === 'resync'), 1_000, 'a resync');
    await ready(h.bridge);
  });
});

describe('MT5 bridge: dead links', () => {
  it('a stale heartbeat (terminal frozen) takes the link down with the reason; an order in flight becomes unknown', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    h.fake.goSilent();
    const pending = h.bridge.execution.submit(order());
    await until(() => h.bridge.status().state === 'link_lost', 2_000, 'link_lost');
    const status = h.bridge.status();
    expect(status).toMatchObject({ connected: false, link: 'down', terminal: 'disconnected', broker: 'unknown' });
    expect(status.lastDisconnect?.reason).toMatch(/no heartbeat for \d\.\d s \(\d+ missed\): stale link or half-open socket/);
    expect(status.detail).toMatch(/waiting for EchoBridge to reconnect/);
    expect(await pending).toMatchObject({ status: 'unknown' });
    expect(h.states.some((s) => s.link === 'down')).toBe(true);
    await h.fake.connect();
    await ready(h.bridge);
    expect(h.bridge.status().counters.connections).toBe(2);
  });

  it('a half-open socket (peer gone without FIN) is detected the same way and replaced by the next connection', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const o = order();
    await h.bridge.execution.submit(o);
    h.fake.goHalfOpen();
    const started = Date.now();
    await until(() => h.bridge.status().state === 'link_lost', 2_000, 'link_lost');
    expect(Date.now() - started).toBeLessThan(1_500);
    await h.fake.connect();
    await ready(h.bridge);
    await expectConsistent(h);
    expect(h.fills).toHaveLength(1);
  });

  it('a bye is a deliberate close, not a fault', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    h.fake.bye();
    await until(() => h.bridge.status().state === 'link_lost', 1_000, 'link_lost');
    expect(h.bridge.status().lastDisconnect?.reason).toMatch(/the EA closed the link: EchoBridge removed from the chart/);
  });
});

describe('MT5 bridge: symbols', () => {
  it('a subscription to a symbol outside Market Watch brings its specification with a fresh snapshot', async () => {
    const bridge = new Mt5Bridge({ port: 0, token: { value: () => TOKEN, file: '/tmp/t' }, appVersion: 'test', timings: { heartbeatMs: 50, staleAfterMs: 500 } });
    const port = await bridge.listen();
    const fake = new FakeMt5Terminal({
      port,
      token: TOKEN,
      symbols: [
        { name: 'EURUSD', digits: 5, contractSize: 100_000, bid: 1.085, spread: 0.0001, base: 'EUR', profit: 'USD' },
        { name: 'US30.cash', digits: 1, contractSize: 1, bid: 39_000, spread: 2, base: 'USD', profit: 'USD' },
      ],
      hiddenSymbols: ['US30.cash'],
    });
    open.push({ bridge, fake, fills: [], closed: [], states: [] });
    await fake.connect();
    await ready(bridge);
    expect(bridge.instrument('US30.cash')).toBeUndefined();
    bridge.bars.subscribe('US30.cash', '1H', null, () => {});
    await until(() => bridge.instrument('US30.cash'), 1_000, 'the new specification');
    expect(bridge.instrument('US30.cash')).toMatchObject({ digits: 1, contractSize: 1, pipSize: 0.1 });
    expect(fake.commands.map((c) => c.type)).toEqual(['subscribe', 'resync']);
  });
});

describe('MT5 bridge: bars', () => {
  it('catches a subscription up from history, streams live bars, and fills the hole after a reconnect', async () => {
    const h = await setup();
    await h.fake.connect();
    await ready(h.bridge);
    const hour = 3_600_000;
    const forming = Math.floor(Date.now() / hour) * hour;
    const bars: Candle[] = [];
    h.bridge.bars.subscribe('EURUSD', '1H', forming - 4 * hour, (bar) => void bars.push(bar));
    await until(() => bars.length === 3, 1_000, 'three catch-up bars');
    expect(bars.map((b) => b.time)).toEqual([forming - 3 * hour, forming - 2 * hour, forming - hour]);
    const sub = h.fake.commands.find((c) => c.type === 'subscribe');
    expect(sub).toMatchObject({ symbols: ['EURUSD'], timeframes: ['H1'], ticks: false });

    // History for warm-up, cached for the synchronous port method (asked before any bar closed live: the fake
    // terminal then answers from its recorded bars only).
    const fetched = await h.bridge.bars.fetchHistory('EURUSD', '1H', null, 50);
    expect(fetched).toHaveLength(50);
    expect(h.bridge.bars.history('EURUSD', '1H', forming - hour, 10).map((b) => b.time)).toEqual(fetched.slice(-10).map((b) => b.time));

    // A live bar that was already delivered is not delivered again; a newer one is.
    h.fake.closeBar('EURUSD', 'H1', forming - hour, 1.1);
    h.fake.closeBar('EURUSD', 'H1', forming, 1.1);
    await until(() => bars.length === 4, 1_000, 'the live bar');
    expect(bars[3]?.time).toBe(forming);

    // Reconnect: the subscription set is sent again and nothing is delivered twice.
    h.fake.disconnect();
    await h.fake.connect();
    await ready(h.bridge);
    await until(() => h.fake.commands.filter((c) => c.type === 'subscribe').length === 2, 1_000, 'the subscription again');
    await new Promise((r) => setTimeout(r, 50));
    expect(new Set(bars.map((b) => b.time)).size).toBe(bars.length);
  });
});
