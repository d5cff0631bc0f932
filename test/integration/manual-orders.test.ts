import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/adapters/persistence/sqlite/database';
import { BinanceSpotEmulator, type EmulatorCandle } from '../kit/exchange-emulator/binance-spot-emulator';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The trader's own Buy / Sell / Close on a running task, over HTTP: refused with a 4xx that says why (lots off the
 * instrument's step or minimum, unknown or stopped task), filled on the paper broker and closed by hand; on a ccxt
 * exchange the journal row is on disk when the exchange receives the order.
 */

async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * gold_buy_dip set so it never enters by itself: every order of the task is the trader's. A manual position belongs to
 * its task, whose strategy manages it like its own (a series' take-profit, grid, drawdown stop): set out of reach here.
 */
const QUIET = {
  percentage_threshold: 100, zscore_threshold_buy: -20, zscore_threshold_sell: 20, take_profit: 1_000_000, use_grid_trading: false, max_drawdown_percent: 100,
};

describe('manual orders on the paper broker', () => {
  let server: TestServer;
  beforeAll(async () => {
    process.env.ECHO_FEED_SPEED = '40';
    server = await startTestServer();
  });
  afterAll(async () => {
    delete process.env.ECHO_FEED_SPEED;
    await server?.stop();
  });

  it('refuses bad orders with a 4xx that says why, fills a manual buy, closes it by hand, and refuses on a stopped task', { timeout: 30_000 }, async () => {
    const s = server;
    const session = (await s.call('POST', '/api/session/create', { user_id: 'manual_trader' })).body.data.session_id as string;
    const started = await s.call('POST', `/api/dynamic-trading/${session}/start`, { pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip', config: QUIET });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const taskId = started.body.data.task.task_id as number;

    const refused = async (body: unknown, status: number, code: string, text: RegExp) => {
      const res = await s.call('POST', '/api/trading/orders', body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.success).toBe(false);
      expect(res.body.code ?? res.body.error_code ?? code).toBe(code);
      expect(JSON.stringify(res.body)).toMatch(text);
    };
    await refused({ task_id: taskId, side: 'BUY', lots: 0.015 }, 400, 'VALIDATION_FAILED', /not a multiple of XAUUSD's lot step 0\.01; send 0\.01 or 0\.02/);
    await refused({ task_id: taskId, side: 'BUY', lots: 0.001 }, 400, 'VALIDATION_FAILED', /below XAUUSD's minimum of 0\.01 lots/);
    await refused({ task_id: taskId, side: 'BUY', lots: 250 }, 400, 'VALIDATION_FAILED', /above XAUUSD's maximum of 100 lots/);
    await refused({ task_id: taskId, side: 'HOLD', lots: 0.01 }, 400, 'VALIDATION_FAILED', /side must be BUY or SELL/);
    await refused({ task_id: taskId, side: 'BUY', lots: '1 lot' }, 400, 'VALIDATION_FAILED', /lots must be a number/);
    await refused({ task_id: 9_999, side: 'BUY', lots: 0.01 }, 404, 'NOT_FOUND', /Task 9999 does not exist/);
    // Nothing refused reached the journal.
    expect((await s.call('GET', `/api/trading/orders?task_id=${taskId}`)).body.data.orders).toEqual([]);

    // A manual buy: journaled with its own client order id, filled at the next bar's open on the paper broker.
    const bought = await s.call('POST', '/api/trading/orders', { task_id: taskId, side: 'buy', lots: 0.02 });
    expect(bought.status, JSON.stringify(bought.body)).toBe(200);
    const order = bought.body.data.order;
    expect(order).toMatchObject({ task_id: taskId, symbol: 'XAUUSD', side: 'BUY', lots: 0.02, kind: 'open', status: 'filled' });
    expect(order.client_order_id).toMatch(new RegExp(`^E${taskId.toString(36)}-m[0-9a-z]+$`));
    expect(order.reason).toContain('manual order');
    expect(bought.body.message).toMatch(/^BUY 0\.02 XAUUSD filled at \d+(\.\d{1,2})?/);
    const position = bought.body.data.position;
    expect(position).toMatchObject({ position_id: order.client_order_id, side: 'BUY', lots: 0.02, entry_price: order.fill_price });
    // Gold quotes 2 digits: the view shows no binary noise.
    expect(String(position.entry_price)).toMatch(/^\d+(\.\d{1,2})?$/);
    const journal = (await s.call('GET', `/api/trading/orders?task_id=${taskId}`)).body.data.orders;
    expect(journal).toEqual([expect.objectContaining({ client_order_id: order.client_order_id, status: 'filled' })]);
    const open = (await s.call('GET', `/api/trading/positions?task_id=${taskId}`)).body.data.positions;
    expect(open.map((p: { position_id: string }) => p.position_id)).toEqual([order.client_order_id]);

    // Close it by hand: a journaled close order, the trade in the list and in the SQL totals.
    const missing = await s.call('POST', '/api/trading/positions/NOPE-1/close', {});
    expect(missing.status).toBe(404);
    const closed = await s.call('POST', `/api/trading/positions/${order.client_order_id}/close`, {});
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.data.trade).toMatchObject({ position_id: order.client_order_id, exit_reason: 'manual', lots: 0.02 });
    expect(closed.body.data.order).toMatchObject({ kind: 'close', side: 'SELL', status: 'filled' });
    expect(String(closed.body.data.trade.pnl)).toMatch(/^-?\d+(\.\d{1,2})?$/);
    expect((await s.call('GET', `/api/trading/positions?task_id=${taskId}`)).body.data.positions).toEqual([]);
    const trades = (await s.call('GET', `/api/trading/trades?task_id=${taskId}`)).body.data;
    expect(trades).toMatchObject({ total_count: 1, capped: false, total_pnl: closed.body.data.trade.pnl });
    // Closing it again: it is not open any more.
    expect((await s.call('POST', `/api/trading/positions/${order.client_order_id}/close`, {})).status).toBe(404);

    // A sell, left open, then the task is stopped without closing: the stopped task takes no order.
    const sold = await s.call('POST', '/api/trading/orders', { task_id: taskId, side: 'SELL', lots: 0.01 });
    expect(sold.status, JSON.stringify(sold.body)).toBe(200);
    expect(sold.body.data.order).toMatchObject({ side: 'SELL', status: 'filled' });
    await s.call('POST', `/api/dynamic-trading/${session}/stop`, { pair: 'XAUUSD', close_positions: false });
    await refused({ task_id: taskId, side: 'BUY', lots: 0.01 }, 409, 'TASK_NOT_RUNNING', /Task \d+ \(XAUUSD 1M\) is stopped; it sends no orders/);
    const orphan = await s.call('POST', `/api/trading/positions/${sold.body.data.order.client_order_id}/close`, {});
    expect(orphan.status, JSON.stringify(orphan.body)).toBe(409);
  });
});

describe('manual orders on a ccxt exchange account', () => {
  const KEY = 'Tk4sYpLxN3wTfZ7uKjR4hGcD1eM9aS6oIiP0lBnQvXyW5tE8rU2zA7cF3f9aQ2Vb';
  const SECRET = 'Yq1Xw3Vu5Ts7Rq9Po2Nm4Lk6Ji8Hg0Fe2Dc4Ba6Zy8Xw0Vu2Ts4Rq6Po8Nm0LZr7';
  const MINUTE = 60_000;
  let emulator: BinanceSpotEmulator;
  let server: TestServer;
  let db: Database.Database | undefined;
  const firstBar = Math.floor(Date.now() / MINUTE) * MINUTE - 120 * MINUTE;
  const history: EmulatorCandle[] = Array.from({ length: 40 }, (_, i) => ({ time: firstBar + i * MINUTE, open: 27_000, high: 27_005, low: 26_995, close: 27_000, volume: 3 }));

  beforeAll(async () => {
    emulator = new BinanceSpotEmulator({ apiKey: KEY, secret: SECRET, candles: { BTCUSDT: history }, balances: { USDT: 10_000, BTC: 0.5 } });
    await emulator.start();
    server = await startTestServer({
      context: { secrets: new MemorySecretStore(), exchanges: { apiOrigin: emulator.url, timeoutMs: 2_000, feed: { pollMs: 50, settleMs: 0 }, execution: { orderPollMs: 200 } } },
    });
  });
  afterEach(() => db?.close());
  afterAll(async () => {
    await server?.stop();
    await emulator?.stop();
  });

  it('writes the journal row before the exchange receives the order', { timeout: 30_000 }, async () => {
    const accountId = (await server.call('POST', '/api/v1/accounts/create', { exchange: 'binance', api_key: KEY, api_secret: SECRET, initial_balance: 10_000, is_testnet: false })).body
      .account_id as string;
    const session = (await server.call('POST', '/api/session/create', { user_id: 'manual_ccxt' })).body.data.session_id as string;
    const started = await server.call('POST', `/api/dynamic-trading/${session}/start`, {
      pair: 'BTC/USDT', timeframe: '1M', strategy_name: 'simple_ma', broker: `ccxt:${accountId}`, config: { lot_size: 0.01, fast_period: 2, slow_period: 4, take_profit_pips: 0, stop_loss_pips: 0 },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const taskId = started.body.data.task.task_id as number;

    // At the moment the exchange receives an order, read the app's database from outside: the intent must be there.
    db = new Database(join(server.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    const seen: { clientOrderId: string; journal: unknown }[] = [];
    const target = emulator as unknown as { newOrder(p: Record<string, string>): unknown };
    const newOrder = target.newOrder.bind(emulator);
    target.newOrder = (p) => {
      const row = db?.prepare('SELECT client_order_id, status, reason FROM order_journal WHERE client_order_id = ?').get(p.newClientOrderId);
      seen.push({ clientOrderId: p.newClientOrderId as string, journal: row });
      return newOrder(p);
    };

    const bought = await server.call('POST', '/api/trading/orders', { task_id: taskId, side: 'BUY', lots: 0.002 });
    expect(bought.status, JSON.stringify(bought.body)).toBe(200);
    const id = bought.body.data.order.client_order_id as string;
    expect(seen).toEqual([{ clientOrderId: id, journal: expect.objectContaining({ client_order_id: id, status: 'journaled', reason: expect.stringContaining('manual order') }) }]);
    expect(emulator.ordersWithClientId(id)).toEqual([expect.objectContaining({ side: 'BUY', origQty: '0.00200', status: 'FILLED' })]);
    await eventually(async () => (await server.call('GET', `/api/trading/orders?task_id=${taskId}`)).body.data.orders.find((o: { status: string }) => o.status === 'filled'), 5_000, 'the fill in the journal');
  });
});
