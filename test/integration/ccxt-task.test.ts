import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceSpotEmulator, type EmulatedOrder, type EmulatorCandle } from '../kit/exchange-emulator/binance-spot-emulator';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * A trading task end to end on a ccxt exchange account: the kernel's task on broker 'ccxt:<account id>' (Binance spot,
 * ccxt's real `binance` class pointed at the local emulator), warmed up on the exchange's klines, following live bars by
 * polling, orders with our client order id as newClientOrderId, fills back into the journal and the engine's book, and
 * an answer lost after the exchange accepted an order resolved by asking — never sent twice.
 */

const KEY = 'Tk4sYpLxN3wTfZ7uKjR4hGcD1eM9aS6oIiP0lBnQvXyW5tE8rU2zA7cF3f9aQ2Vb';
const SECRET = 'Yq1Xw3Vu5Ts7Rq9Po2Nm4Lk6Ji8Hg0Fe2Dc4Ba6Zy8Xw0Vu2Ts4Rq6Po8Nm0LZr7';
const MINUTE = 60_000;
/** ccxt's request timeout in this test; the injected delay outlasts it. */
const TIMEOUT_MS = 2_000;

let emulator: BinanceSpotEmulator;
let server: TestServer;
const contacted: string[] = [];

// The warm-up history lies well in the past: every bar the test adds after it has already closed by the clock, so
// the feed delivers it on its next poll, whenever the test runs.
const firstBar = Math.floor(Date.now() / MINUTE) * MINUTE - 120 * MINUTE;
let nextBar = firstBar;
const bar = (close: number): EmulatorCandle => {
  const time = nextBar;
  nextBar += MINUTE;
  return { time, open: close, high: close + 5, low: close - 5, close, volume: 3 };
};
const history = Array.from({ length: 40 }, () => bar(27_000));

/** Like the kit's `until`, for checks that have to ask the server. */
async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

type JournalRow = { client_order_id: string; status: string; side: string; kind: 'open' | 'close'; lots: number; fill_price: number | null };
type PositionRow = { position_id: string; side: string; lots: number; entry_price: number; client_order_id: string };

const journal = async (taskId: number) => (await server.call('GET', `/api/trading/orders?task_id=${taskId}`)).body.data.orders as JournalRow[];
const positions = async (taskId: number) => (await server.call('GET', `/api/trading/positions?task_id=${taskId}`)).body.data.positions as PositionRow[];
const placed = () => emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order');

/** What the exchange filled for an order, and what it left to hold (a buy's fee is charged in the base asset). */
function filledAt(order: EmulatedOrder): { price: number; qty: number; held: number } {
  const [fill] = order.fills;
  if (!fill) throw new Error(`order ${order.clientOrderId} has no fill`);
  const qty = Number(fill.qty);
  return { price: Number(fill.price), qty, held: order.side === 'BUY' && fill.commissionAsset === 'BTC' ? Number((qty - Number(fill.commission)).toFixed(8)) : qty };
}

beforeAll(async () => {
  emulator = new BinanceSpotEmulator({
    apiKey: KEY,
    secret: SECRET,
    candles: { BTCUSDT: history },
    prices: { ETHUSDT: 1_800, ETHBTC: 0.0667 },
    balances: { USDT: 10_000, BTC: 0.5, ETH: 0 },
    // Binance's real rule: a filled order's client order id may be used again, so a resend WOULD trade twice.
    duplicateClientOrderIds: 'open-only',
  });
  await emulator.start();
  server = await startTestServer({
    context: {
      secrets: new MemorySecretStore(),
      exchanges: {
        apiOrigin: emulator.url,
        timeoutMs: TIMEOUT_MS,
        onRequest: (url) => contacted.push(url),
        feed: { pollMs: 50, settleMs: 0 },
        execution: { orderPollMs: 200 },
      },
    },
  });
});

afterAll(async () => {
  await server?.stop();
  await emulator?.stop();
});

describe('a trading task on a ccxt exchange account', () => {
  it('trades through the exchange with our client order ids and resolves a lost answer without sending twice', async () => {
    const created = await server.call('POST', '/api/v1/accounts/create', { exchange: 'binance', api_key: KEY, api_secret: SECRET, initial_balance: 10_000, is_testnet: false });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const accountId = created.body.account_id as string;
    const session = (await server.call('POST', '/api/session/create', { user_id: 'ccxt_task' })).body.data.session_id as string;

    const started = await server.call('POST', `/api/dynamic-trading/${session}/start`, {
      pair: 'BTC/USDT', timeframe: '1M', strategy_name: 'simple_ma', broker: `ccxt:${accountId}`,
      config: { lot_size: 0.01, fast_period: 2, slow_period: 4, take_profit_pips: 0, stop_loss_pips: 0 },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.data.task).toMatchObject({ broker: `ccxt:${accountId}`, pair: 'BTC/USDT', feed_source: 'broker', simulated_prices: false });
    const taskId = started.body.data.task.task_id as number;
    // The warm-up came from the exchange's klines (flat: no crossover, no order).
    expect(emulator.requests.some((r) => r.path === '/api/v3/klines' && r.params.symbol === 'BTCUSDT' && r.params.interval === '1m')).toBe(true);
    expect(emulator.orders).toEqual([]);

    // Down, then up: the 2-bar average crosses strictly above the 4-bar one on the last bar (26 995 > 26 980).
    for (const close of [26_990, 26_980, 26_970, 26_960, 26_980, 27_010]) emulator.putCandle('BTCUSDT', bar(close));
    const buy = await eventually(() => emulator.orders[0], 10_000, 'an order at the exchange');
    expect(buy).toMatchObject({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', origQty: '0.01000', status: 'FILLED' });
    expect(placed()[0]?.params.newClientOrderId).toBe(buy.clientOrderId);
    const opened = await eventually(async () => (await journal(taskId)).find((o) => o.status === 'filled'), 5_000, 'a filled order in the journal');
    expect(opened).toMatchObject({ client_order_id: buy.clientOrderId, side: 'BUY', kind: 'open', lots: 0.01, fill_price: 27_010 });
    // The engine holds what the exchange filled: 0.01 BTC at 27 010 less the 0.1 % fee Binance took in BTC.
    const bought = filledAt(buy);
    expect(bought).toEqual({ price: 27_010, qty: 0.01, held: 0.00999 });
    const long = await eventually(async () => (await positions(taskId))[0], 5_000, 'the engine position');
    expect(long).toMatchObject({ position_id: buy.clientOrderId, client_order_id: buy.clientOrderId, side: 'BUY', lots: bought.held, entry_price: bought.price });
    expect(emulator.balance('BTC').free).toBeCloseTo(0.5 + bought.held, 8);

    // The next signal's first order is accepted by the exchange, whose answer then outlasts ccxt's timeout.
    emulator.failNext('POST', '/api/v3/order', { kind: 'delayAfterAccept', ms: 2 * TIMEOUT_MS });
    const before = placed().length;
    // Up a little, then down: the 2-bar average crosses strictly below the 4-bar one (26 975 < 26 985): close the
    // long, open a short.
    for (const close of [27_000, 26_950]) emulator.putCandle('BTCUSDT', bar(close));
    const lostId = (await eventually(() => placed()[before], 10_000, 'the next order at the exchange')).params.newClientOrderId as string;
    expect(lostId).toMatch(new RegExp(`^E${taskId.toString(36)}-`));
    const lost = await eventually(() => emulator.ordersWithClientId(lostId)[0], 5_000, 'the order accepted');
    expect(lost).toMatchObject({ side: 'SELL', origQty: '0.00999', status: 'FILLED' });
    // The engine did not hear back in time: the order is 'unknown' until the exchange, asked by client order id, tells.
    const resolved = await eventually(
      async () => (await journal(taskId)).find((o) => o.client_order_id === lostId && o.status === 'filled'),
      10_000,
      'the journal resolving the lost order',
    );
    expect(resolved).toMatchObject({ kind: 'close', side: 'SELL', fill_price: 26_950 });
    expect(emulator.requests.some((r) => r.method === 'GET' && r.path === '/api/v3/order' && r.params.origClientOrderId === lostId)).toBe(true);
    const events = (await server.call('GET', `/api/trading/events?task_id=${taskId}`)).body.data.events as { type: string; code: string | null; message: string }[];
    expect(events.filter((e) => e.code === 'ORDER_OUTCOME_UNKNOWN')).toEqual([
      expect.objectContaining({ type: 'OrderUnknown', message: expect.stringMatching(/^SELL 0\.00999 BTC\/USDT: no answer from the broker .*did not answer in time.*not sent again/) }),
    ]);

    // The reversal's short was opened after the lost close; once it filled, both books agree.
    const all = await eventually(async () => {
      const rows = await journal(taskId);
      return rows.length === 3 && rows.every((o) => o.status === 'filled') ? rows : undefined;
    }, 10_000, 'every order of the task filled');
    const short = all.find((o) => o.kind === 'open' && o.side === 'SELL') as JournalRow;
    const [sold] = emulator.ordersWithClientId(short.client_order_id);
    expect(sold).toMatchObject({ side: 'SELL', origQty: '0.01000', status: 'FILLED' });
    const shortFill = filledAt(sold as EmulatedOrder);
    const held = await eventually(async () => {
      const list = await positions(taskId);
      return list.length === 1 && list[0]?.client_order_id === short.client_order_id ? list : undefined;
    }, 5_000, 'the engine holding only the short');
    expect(held[0]).toMatchObject({ side: 'SELL', lots: shortFill.held, entry_price: shortFill.price });
    const trades = (await server.call('GET', `/api/trading/trades?task_id=${taskId}`)).body.data.trades as { position_id: string; exit_price: number; exit_reason: string; lots: number }[];
    expect(trades).toEqual([expect.objectContaining({ position_id: buy.clientOrderId, lots: bought.held, exit_price: 26_950, exit_reason: 'signal' })]);

    // The task's own retry of the lost order (a couple of seconds after it) asks, and changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await positions(taskId)).toEqual([expect.objectContaining({ client_order_id: short.client_order_id, lots: shortFill.held })]);
    expect((await journal(taskId)).map((o) => o.status)).toEqual(['filled', 'filled', 'filled']);

    // Exactly one order per decision at the exchange: never sent twice, not the lost one either.
    expect(emulator.ordersWithClientId(lostId)).toHaveLength(1);
    expect(placed().filter((r) => r.params.newClientOrderId === lostId)).toHaveLength(1);
    const ids = emulator.orders.map((o) => o.clientOrderId);
    expect(ids).toHaveLength(3);
    expect([...ids].sort()).toEqual(all.map((o) => o.client_order_id).sort());
    // ccxt reached nothing but the emulator, and the emulator served every request.
    expect(contacted.filter((url) => new URL(url).hostname !== '127.0.0.1')).toEqual([]);
    expect(emulator.unhandled).toEqual([]);
  }, 30_000);
});
