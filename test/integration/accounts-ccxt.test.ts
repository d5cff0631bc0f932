import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/persistence/sqlite/database';
import { createSqliteCandleStore } from '../../src/adapters/persistence/sqlite/candle-store';
import { createSqliteAccountRepository } from '../../src/adapters/persistence/sqlite/account-repository';
import { CcxtBrokerConnection, type CcxtConnectionDeps } from '../../src/adapters/brokers/ccxt/ccxt-broker-connection';
import { createBrokerRegistry } from '../../src/core/ports/broker';
import { CcxtAccounts } from '../../src/adapters/brokers/ccxt/ccxt-accounts';
import type { Clock } from '../../src/core/ports/clock';
import type { ClosedTrade, OrderFilled, SubmitOrder } from '../../src/core/domain/trading';
import type { CandleStore } from '../../src/core/ports/candle-store';
import { isDomainError, type DomainError } from '../../src/shared/contract/errors';
import { BinanceSpotEmulator, type EmulatorCandle } from '../kit/exchange-emulator/binance-spot-emulator';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { loadCandles } from '../kit/candles';

/**
 * The ccxt broker connection through ccxt's real `binance` class, pointed at the local Binance spot emulator: balance,
 * OHLCV download, orders with our client order id, an answer lost after the order was accepted (resolved by asking,
 * never resent), rejections and rate limits mapped to clear domain errors, live candles, take-profit.
 */

const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

const btc = loadCandles('BTCUSDT_M1_2023-03-27_2023-04-04.csv.gz');
const btcCandles: EmulatorCandle[] = Array.from({ length: btc.length }, (_, i) => ({
  time: btc.time[i]!,
  open: btc.open[i]!,
  high: btc.high[i]!,
  low: btc.low[i]!,
  close: btc.close[i]!,
  volume: btc.volume[i]!,
}));

let dir: string;
let db: SqliteDatabase;
let store: CandleStore;
let emulator: BinanceSpotEmulator;
const contacted: string[] = [];
let clockMs = Date.now();
const clock: Clock = { now: () => new Date(clockMs) };
const connections: CcxtBrokerConnection[] = [];
let accountSeq = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'echo-ccxt-'));
  db = openDatabase(join(dir, 'echo.sqlite'));
  store = createSqliteCandleStore(db);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const c of connections.splice(0)) c.close();
  await emulator?.stop();
  // ccxt must never reach anything but the emulator.
  const elsewhere = contacted.filter((url) => new URL(url).hostname !== '127.0.0.1');
  contacted.length = 0;
  expect(elsewhere).toEqual([]);
  expect(emulator?.unhandled ?? []).toEqual([]);
});

async function setup(options: { duplicates?: 'any' | 'open-only'; secret?: string; timeoutMs?: number; inFlightWindowMs?: number; testnet?: boolean } = {}) {
  clockMs = Date.now();
  emulator = new BinanceSpotEmulator({
    apiKey: API_KEY,
    secret: SECRET,
    candles: { BTCUSDT: btcCandles },
    prices: { BTCUSDT: 27_000, ETHUSDT: 1_800, ETHBTC: 0.0667 },
    balances: { USDT: 10_000, BTC: 0.5, ETH: 0 },
    duplicateClientOrderIds: options.duplicates ?? 'any',
  });
  await emulator.start();
  const accountId = `acct-${++accountSeq}`;
  createSqliteAccountRepository(db, clock).create({
    id: accountId,
    exchange: 'binance',
    isTestnet: options.testnet ?? false,
    hints: { apiKey: '••••eh8A', apiSecret: '••••Tj0j', passphrase: null },
    initialBalance: 10_000,
  });
  const secrets = new MemorySecretStore();
  await secrets.set(accountId, 'api_key', API_KEY);
  await secrets.set(accountId, 'api_secret', options.secret ?? SECRET);
  const deps: CcxtConnectionDeps = {
    db,
    secrets,
    store,
    clock,
    instance: { apiOrigin: emulator.url, timeoutMs: options.timeoutMs ?? 3_000, onRequest: (url) => contacted.push(url) },
    execution: { inFlightWindowMs: options.inFlightWindowMs ?? 30_000, orderPollMs: 60_000, protectionPollMs: 60_000 },
    feed: { pollMs: 30, settleMs: 0 },
  };
  const connection = new CcxtBrokerConnection({ accountId, exchange: 'binance', testnet: options.testnet ?? false }, deps);
  connections.push(connection);
  return { connection, accountId, secrets, deps };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDomainError(error)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

let orderSeq = 0;
function order(partial: Partial<SubmitOrder> = {}): SubmitOrder {
  return {
    clientOrderId: `E1-rx${(++orderSeq).toString(36)}-0`,
    taskId: '1',
    symbol: 'BTC/USDT',
    side: 'BUY',
    lots: 0.01,
    magic: 77,
    reason: 'test',
    decidedAt: clockMs,
    ...partial,
  };
}

function recorder(connection: CcxtBrokerConnection, taskId = '1') {
  const fills: OrderFilled[] = [];
  const closes: ClosedTrade[] = [];
  const cancels: string[] = [];
  connection.execution.setListener(taskId, {
    onFilled: (f) => fills.push(f),
    onClosed: (t) => closes.push(t),
    onCancelled: (id) => cancels.push(id),
  });
  return { fills, closes, cancels };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const ordersPlaced = () => emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order');

describe('ccxt connection: markets, instruments, balance', () => {
  it('loads markets from the emulator only and builds instruments from them', async () => {
    const { connection } = await setup();
    expect(connection.state().link).toBe('down');
    await connection.connect();
    expect(connection.id).toMatch(/^ccxt:acct-/);
    expect(connection.state()).toMatchObject({ link: 'up', broker: 'connected' });
    expect(connection.instrument('BTC/USDT')).toEqual({
      symbol: 'BTC/USDT',
      assetClass: 'crypto',
      baseCurrency: 'BTC',
      quoteCurrency: 'USDT',
      digits: 2,
      point: 0.01,
      pipSize: 1,
      contractSize: 1,
      minLot: 0.00001,
      lotStep: 0.00001,
      maxLot: 9000,
    });
    expect(connection.instrument('ETH/BTC')).toMatchObject({ digits: 5, point: 0.00001, pipSize: 0.00001, lotStep: 0.0001 });
    expect(connection.instrument('DOGE/USDT')).toBeUndefined();
    expect(emulator.requests.map((r) => r.path)).toContain('/api/v3/exchangeInfo');
  });

  it('syncs the balance: cash in USDT, equity with BTC valued at the last price', async () => {
    const { connection } = await setup();
    const snapshot = await connection.fetchBalance();
    expect(snapshot).toMatchObject({ valuationCurrency: 'USDT', balance: 10_000, equity: 10_000 + 0.5 * 27_000, unvalued: [] });
    expect(snapshot.assets.BTC).toEqual({ free: 0.5, used: 0, total: 0.5, value: 13_500 });
    // The account endpoint was signed with the key from the secret store.
    const account = emulator.requests.find((r) => r.path === '/api/v3/account');
    expect(account?.apiKey).toBe(API_KEY);
    expect(account?.params.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses wrong credentials with a clear EXCHANGE_AUTH_FAILED, the secret masked', async () => {
    const wrong = 'wrong-secret-0123456789abcdefghijklmnopqrstuvwxyz';
    const { connection } = await setup({ secret: wrong });
    const error = await refusal(connection.fetchBalance());
    expect(error.code).toBe('EXCHANGE_AUTH_FAILED');
    expect(error.message).toMatch(/Binance refused this account's API credentials.*Signature for this request is not valid.*update-credentials/);
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).not.toMatch(/signature=/);
    expect(connection.state().link).toBe('down');
  });

  it('uses the testnet URLs in sandbox mode, and refuses testnet where ccxt has none', async () => {
    const { connection } = await setup({ testnet: true });
    await connection.connect();
    const exchange = connection.session.loaded();
    expect(exchange?.isSandboxModeEnabled).toBe(true);
    expect((exchange?.urls.api as Record<string, string>).public).toBe(`${emulator.url}/api/v3`);
    const accounts = new CcxtAccounts({ db, secrets: new MemorySecretStore(), store, clock });
    expect(accounts.describe('binance')).toMatchObject({ name: 'Binance', sandbox: true, needsPassphrase: false });
    expect(accounts.describe('okx')).toMatchObject({ needsPassphrase: true });
    const noSandbox = accounts.exchanges().find((id) => accounts.describe(id)?.sandbox === false) as string;
    const c = accounts.open({ id: 'acct-nosandbox', exchange: noSandbox, isTestnet: true });
    const error = await refusal(c.connect());
    expect(error.code).toBe('NOT_SUPPORTED');
    expect(error.message).toMatch(/has no testnet\/sandbox in ccxt/);
    accounts.closeAll();
  });
});

describe('ccxt connection: candles', () => {
  it('downloads OHLCV into the candle store, paged by since, with progress', async () => {
    const { connection } = await setup();
    const since = Date.parse('2023-04-01T00:00:00Z');
    const until = Date.parse('2023-04-01T23:59:00Z');
    const progress: number[] = [];
    const result = await connection.feed.download({ symbol: 'BTC/USDT', timeframe: '1M', since, until, pageSize: 500, onProgress: (p) => progress.push(p.fraction) });
    const expected = btcCandles.filter((c) => c.time >= since && c.time <= until);
    expect(result).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1M', bars: expected.length, added: expected.length, first: expected[0]!.time, last: expected.at(-1)!.time });
    expect(result.pages).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const klines = emulator.requests.filter((r) => r.path === '/api/v3/klines');
    expect(klines.every((r) => r.params.symbol === 'BTCUSDT' && r.params.interval === '1m' && Number(r.params.limit) === 500)).toBe(true);
    const stored = store.load('BTC/USDT', '1M', { from: since, to: until });
    expect(stored.length).toBe(expected.length);
    expect(Array.from(stored.close)).toEqual(expected.map((c) => c.close));
    expect(connection.feed.history('BTC/USDT', '1M', until, 3).map((c) => c.time)).toEqual(expected.slice(-3).map((c) => c.time));
    // Hourly bars are the exchange's own aggregation, stored as their own series.
    const hourly = await connection.feed.download({ symbol: 'BTC/USDT', timeframe: '1H', since, until });
    expect(hourly.bars).toBe(24);
  });

  it('refuses an unknown symbol with a clear message', async () => {
    const { connection } = await setup();
    const error = await refusal(connection.feed.download({ symbol: 'NOPE/USDT', timeframe: '1M', since: 0 }));
    expect(error.code).toBe('UNKNOWN_SYMBOL');
    expect(error.message).toContain('Binance does not list NOPE/USDT');
  });

  it('delivers live candles by polling, each once it closed, in order', async () => {
    const { connection } = await setup();
    const minute = 60_000;
    const t0 = Math.floor(Date.now() / minute) * minute - 3 * minute;
    const bar = (time: number, close: number): EmulatorCandle => ({ time, open: close - 1, high: close + 2, low: close - 2, close, volume: 1 });
    for (let i = 0; i < 4; i++) emulator.putCandle('ETHUSDT', bar(t0 + i * minute, 1800 + i));
    clockMs = t0 + 3 * minute + 10_000; // the bar at t0+3m is still forming
    const seen: number[] = [];
    const subscription = connection.feed.subscribe('ETH/USDT', '1M', t0, (b) => void seen.push(b.time));
    expect(subscription.source).toBe('broker');
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(2);
    expect(seen).toEqual([t0 + minute, t0 + 2 * minute]);
    emulator.putCandle('ETHUSDT', bar(t0 + 4 * minute, 1805));
    clockMs = t0 + 4 * minute + 1_000;
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(3);
    expect(seen[2]).toBe(t0 + 3 * minute);
    subscription.stop();
    // Delivered bars are in the store, so a task's warm-up history sees them.
    expect(connection.feed.history('ETH/USDT', '1M', null, 10).map((c) => c.time)).toEqual([t0 + minute, t0 + 2 * minute, t0 + 3 * minute]);
  });
});

describe('ccxt connection: orders', () => {
  it('places a market order with our client order id, then delivers the fill and the close', async () => {
    const { connection } = await setup();
    const heard = recorder(connection);
    const open = order();
    const outcome = await connection.execution.submit(open);
    expect(outcome).toMatchObject({ status: 'accepted', brokerOrderId: expect.any(String) as unknown });
    // The caller records "accepted" before the fill arrives.
    expect(heard.fills).toEqual([]);
    await tick();
    const [placed] = emulator.ordersWithClientId(open.clientOrderId);
    expect(placed).toMatchObject({ side: 'BUY', type: 'MARKET', origQty: '0.01000', status: 'FILLED' });
    expect(ordersPlaced()[0]?.params.newClientOrderId).toBe(open.clientOrderId);
    // Binance charged 0.1 % in BTC: the position is what can be sold again, the fee counted as commission.
    expect(heard.fills).toEqual([
      expect.objectContaining({ clientOrderId: open.clientOrderId, positionId: open.clientOrderId, opens: true, side: 'BUY', lots: 0.00999, price: 27_000 }),
    ]);
    expect(heard.fills[0]!.commission).toBeCloseTo(0.27, 8);
    expect(await connection.execution.positions('1')).toEqual([expect.objectContaining({ id: open.clientOrderId, lots: 0.00999, entryPrice: 27_000, magic: 77 })]);
    expect(await connection.execution.findOrder(open.clientOrderId)).toMatchObject({ status: 'filled', fill: { price: 27_000 } });

    emulator.setPrice('BTCUSDT', 28_000);
    const close = order({ side: 'SELL', closesPositionId: open.clientOrderId, exitReason: 'signal' });
    expect(await connection.execution.submit(close)).toMatchObject({ status: 'accepted' });
    await tick();
    expect(emulator.ordersWithClientId(close.clientOrderId)[0]).toMatchObject({ side: 'SELL', origQty: '0.00999' });
    expect(heard.fills[1]).toMatchObject({ opens: false, positionId: open.clientOrderId, lots: 0.00999, price: 28_000, exitReason: 'signal' });
    const exitFee = 0.00999 * 28_000 * 0.001;
    expect(heard.closes).toHaveLength(1);
    expect(heard.closes[0]!.pnl).toBeCloseTo((28_000 - 27_000) * 0.00999 - 0.27 - exitFee, 6);
    expect(await connection.execution.positions('1')).toEqual([]);
    expect(connection.book.closedTrades()).toHaveLength(1);
  });

  it('a timeout after the exchange accepted the order → unknown → resolved by client order id, never sent twice', async () => {
    // Binance's real rule: a client order id may be reused once its order filled, so a resend WOULD trade twice.
    const { connection } = await setup({ duplicates: 'open-only', timeoutMs: 400 });
    await connection.connect();
    const heard = recorder(connection);
    emulator.failNext('POST', '/api/v3/order', { kind: 'delayAfterAccept', ms: 1_200 });
    const lost = order();
    const outcome = await connection.execution.submit(lost);
    expect(outcome.status).toBe('unknown');
    expect(outcome.status === 'unknown' && outcome.reason).toMatch(/did not answer in time.*looked up by its client order id, not sent again/);
    expect(emulator.ordersWithClientId(lost.clientOrderId)).toHaveLength(1);
    expect(heard.fills).toEqual([]);

    // The engine may try the same intent again: it is answered from the exchange, not sent.
    const again = await connection.execution.submit(lost);
    expect(again.status).toBe('accepted');
    const found = await connection.execution.findOrder(lost.clientOrderId);
    expect(found).toMatchObject({ clientOrderId: lost.clientOrderId, status: 'filled', fill: { opens: true, lots: 0.00999 } });
    // Heard exactly once, before findOrder answered.
    expect(heard.fills.map((f) => f.clientOrderId)).toEqual([lost.clientOrderId]);
    expect(emulator.ordersWithClientId(lost.clientOrderId)).toHaveLength(1);
    expect(ordersPlaced()).toHaveLength(1);
    expect(emulator.requests.some((r) => r.path === '/api/v3/order' && r.method === 'GET' && r.params.origClientOrderId === lost.clientOrderId)).toBe(true);
    expect(await connection.execution.positions('1')).toHaveLength(1);
  });

  it('a dropped connection after acceptance is resolved the same way', async () => {
    const { connection } = await setup({ duplicates: 'open-only' });
    await connection.connect();
    const heard = recorder(connection);
    emulator.failNext('POST', '/api/v3/order', { kind: 'dropAfterAccept' });
    const lost = order();
    expect((await connection.execution.submit(lost)).status).toBe('unknown');
    expect(await connection.execution.findOrder(lost.clientOrderId)).toMatchObject({ status: 'filled' });
    expect(heard.fills).toHaveLength(1);
    expect(ordersPlaced()).toHaveLength(1);
  });

  it('an order the exchange never got stays unknown while it may be in flight, then is given up without resending', async () => {
    const { connection } = await setup({ inFlightWindowMs: 10_000 });
    await connection.connect();
    recorder(connection);
    // 5xx with Binance's "unknown error" code: the execution status is unknown, per Binance's docs.
    emulator.failNext('POST', '/api/v3/order', { kind: 'error', status: 503, code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    const lost = order();
    expect((await connection.execution.submit(lost)).status).toBe('unknown');
    const early = await refusal(connection.execution.findOrder(lost.clientOrderId));
    expect(early.message).toMatch(/does not know order .* yet.*may still arrive/);
    clockMs += 11_000;
    expect(await connection.execution.findOrder(lost.clientOrderId)).toBeUndefined();
    expect(connection.book.order(lost.clientOrderId)?.status).toBe('cancelled');
    expect(await connection.execution.submit(lost)).toMatchObject({ status: 'rejected' });
    expect(ordersPlaced()).toHaveLength(1);
  });

  it('maps rejections to clear reasons: lot size, insufficient funds, below the minimum (not sent)', async () => {
    const { connection } = await setup();
    await connection.connect();
    const heard = recorder(connection);
    emulator.failNext('POST', '/api/v3/order', { kind: 'error', status: 400, code: -1013, msg: 'Filter failure: LOT_SIZE' });
    const lot = await connection.execution.submit(order());
    expect(lot).toMatchObject({ status: 'rejected' });
    expect(lot.status === 'rejected' && lot.reason).toMatch(/^\[INVALID_ORDER\] Binance rejected the order .*LOT_SIZE.*step size/);

    const funds = await connection.execution.submit(order({ lots: 5 }));
    expect(funds.status === 'rejected' && funds.reason).toMatch(/^\[INSUFFICIENT_FUNDS\] Binance refused to place BUY 5 BTC\/USDT: not enough free balance \(Account has insufficient balance for requested action\.\)/);

    const before = ordersPlaced().length;
    const tiny = await connection.execution.submit(order({ lots: 0.000001 }));
    expect(tiny.status === 'rejected' && tiny.reason).toMatch(/below the minimum order amount of BTC\/USDT.*not sent/);
    expect(ordersPlaced()).toHaveLength(before);
    const unknown = await connection.execution.submit(order({ symbol: 'DOGE/USDT' }));
    expect(unknown.status === 'rejected' && unknown.reason).toMatch(/does not list DOGE\/USDT/);
    await tick();
    expect(heard.fills).toEqual([]);
    expect(await connection.execution.allPositions()).toEqual([]);
  });

  it('maps HTTP 429 (-1003) to RATE_LIMITED with what to do; an order refused so is rejected, not unknown', async () => {
    const { connection } = await setup();
    await connection.connect();
    emulator.failNext('GET', '/api/v3/account', { kind: 'rateLimit', retryAfterSeconds: 30 });
    const error = await refusal(connection.fetchBalance());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/Binance is rate-limiting this account.*Nothing was done; wait a minute and try again/);
    emulator.failNext('POST', '/api/v3/order', { kind: 'rateLimit' });
    const refused = await connection.execution.submit(order());
    expect(refused.status === 'rejected' && refused.reason).toMatch(/^\[RATE_LIMITED\]/);
    expect(emulator.orders).toHaveLength(0);
  });

  it('closes a position whose take-profit the exchange price reached', async () => {
    const { connection } = await setup();
    const heard = recorder(connection);
    const open = order({ takeProfit: 27_500, stopLoss: 26_000 });
    await connection.execution.submit(open);
    await tick();
    expect((await connection.execution.positions('1'))[0]).toMatchObject({ takeProfit: 27_500, stopLoss: 26_000 });
    await connection.execution.setProtection('1', open.clientOrderId, 27_400, 26_000);
    await connection.execution.checkProtection();
    expect(heard.closes).toEqual([]);
    emulator.setPrice('BTCUSDT', 27_450);
    await connection.execution.checkProtection();
    await tick();
    expect(heard.closes).toEqual([expect.objectContaining({ positionId: open.clientOrderId, exitReason: 'take_profit', exitPrice: 27_450 })]);
    expect(heard.fills.at(-1)).toMatchObject({ opens: false, exitReason: 'take_profit' });
    expect(emulator.orders.filter((o) => o.side === 'SELL')).toHaveLength(1);
  });

  it('registers one connection per account in the broker registry', async () => {
    await setup();
    const registry = createBrokerRegistry();
    const accounts = new CcxtAccounts({ db, secrets: new MemorySecretStore(), store, clock, registry });
    const a = accounts.open({ id: 'acct-a', exchange: 'binance', isTestnet: false });
    accounts.open({ id: 'acct-b', exchange: 'kraken', isTestnet: false });
    expect(accounts.open({ id: 'acct-a', exchange: 'binance', isTestnet: false })).toBe(a);
    expect(registry.list().map((c) => c.id)).toEqual(['ccxt:acct-a', 'ccxt:acct-b']);
    expect(accounts.status('acct-a')).toMatchObject({ brokerId: 'ccxt:acct-a', link: 'down', mode: 'polling' });
    accounts.close('acct-a');
    expect(registry.get('ccxt:acct-a')).toBeUndefined();
    accounts.closeAll();
  });
});
