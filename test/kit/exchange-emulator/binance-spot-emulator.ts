import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Binance spot's REST API (https://developers.binance.com/docs/binance-spot-api-docs/rest-api),
 * on 127.0.0.1 with an ephemeral port. It answers the endpoints ccxt's `binance` class calls for loadMarkets,
 * fetchBalance, fetchOHLCV, fetchTicker(s), createOrder, fetchOrder, fetchOrderTrades, fetchOpenOrders and
 * cancelOrder, with bodies shaped as Binance documents them, checks the HMAC-SHA256 signature of signed endpoints,
 * and injects faults: errors before processing, HTTP 429 (-1003), and a delayed or dropped answer AFTER an order was
 * accepted (the case where only asking the exchange tells what happened).
 *
 * Client order ids: Binance rejects a `newClientOrderId` that an OPEN order already uses and accepts it again once
 * that order is filled or cancelled. `duplicateClientOrderIds: 'open-only'` emulates exactly that (a resent market
 * order would then trade twice); the default 'any' refuses every reuse with -2010 "Duplicate order sent.".
 */

export interface SymbolSpec {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
}

export interface EmulatorCandle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export type Fault =
  /** Answer with a Binance error without doing anything. */
  | { kind: 'error'; status: number; code: number; msg: string }
  /** HTTP 429, code -1003, with Retry-After. */
  | { kind: 'rateLimit'; retryAfterSeconds?: number }
  /** Do the work (accept the order), then hold the answer for `ms` (longer than the client's timeout). */
  | { kind: 'delayAfterAccept'; ms: number }
  /** Do the work, then close the connection without an answer. */
  | { kind: 'dropAfterAccept' };

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  apiKey: string | undefined;
  host: string | undefined;
  status: number;
}

export interface EmulatedOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED';
  timeInForce: string;
  time: number;
  updateTime: number;
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[];
}

export interface EmulatorOptions {
  apiKey: string;
  secret: string;
  symbols?: SymbolSpec[];
  /** Free balances per asset. */
  balances?: Record<string, number>;
  /** 1-minute candles per symbol (Binance id, e.g. BTCUSDT), oldest first; other intervals are aggregated from them. */
  candles?: Record<string, EmulatorCandle[]>;
  /** Last traded price per symbol; defaults to the close of its last candle. */
  prices?: Record<string, number>;
  /** Taker commission rate (0.001 = 0.1 %), charged in the asset received, as Binance does without BNB. */
  takerFee?: number;
  duplicateClientOrderIds?: 'any' | 'open-only';
  now?: () => number;
}

export const DEFAULT_SYMBOLS: SymbolSpec[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.01000000', stepSize: '0.00001000', minQty: '0.00001000', maxQty: '9000.00000000', minNotional: '5.00000000' },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01000000', stepSize: '0.00010000', minQty: '0.00010000', maxQty: '9000.00000000', minNotional: '5.00000000' },
  { symbol: 'ETHBTC', baseAsset: 'ETH', quoteAsset: 'BTC', tickSize: '0.00001000', stepSize: '0.00010000', minQty: '0.00010000', maxQty: '100000.00000000', minNotional: '0.00010000' },
];

const INTERVAL_MS: Record<string, number> = {
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000,
  '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000, '1d': 86_400_000,
};

class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

const fixed = (n: number) => n.toFixed(8);
const decimalsOf = (step: string) => {
  const trimmed = step.replace(/0+$/, '');
  const dot = trimmed.indexOf('.');
  return dot === -1 ? 0 : trimmed.length - dot - 1;
};

export class BinanceSpotEmulator {
  readonly requests: RecordedRequest[] = [];
  /** Requests for endpoints the emulator does not know (a test asserts this stays empty). */
  readonly unhandled: string[] = [];
  readonly orders: EmulatedOrder[] = [];
  private server: Server | undefined;
  private apiKey: string;
  private secret: string;
  private readonly symbols: Map<string, SymbolSpec>;
  private readonly balances: Map<string, { free: number; locked: number }>;
  private readonly candles: Map<string, EmulatorCandle[]>;
  private readonly prices = new Map<string, number>();
  private readonly faults: { method: string; path: string; fault: Fault }[] = [];
  private readonly sockets = new Set<import('node:net').Socket>();
  private nextOrderId = 1000;
  private nextTradeId = 5000;
  private readonly takerFee: number;
  private readonly duplicates: 'any' | 'open-only';
  readonly now: () => number;
  url = '';

  constructor(options: EmulatorOptions) {
    this.apiKey = options.apiKey;
    this.secret = options.secret;
    this.symbols = new Map((options.symbols ?? DEFAULT_SYMBOLS).map((s) => [s.symbol, s]));
    this.balances = new Map(Object.entries(options.balances ?? { USDT: 10_000, BTC: 0.5 }).map(([a, free]) => [a, { free, locked: 0 }]));
    this.candles = new Map(Object.entries(options.candles ?? {}));
    for (const [symbol, series] of this.candles) {
      const last = series.at(-1);
      if (last) this.prices.set(symbol, last.close);
    }
    for (const [symbol, price] of Object.entries(options.prices ?? {})) this.prices.set(symbol, price);
    this.takerFee = options.takerFee ?? 0.001;
    this.duplicates = options.duplicateClientOrderIds ?? 'any';
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The keys the emulated account accepts (update-credentials tests rotate them). */
  setCredentials(apiKey: string, secret: string): void {
    this.apiKey = apiKey;
    this.secret = secret;
  }

  /** The next request to `method path` (e.g. 'POST', '/api/v3/order') meets `fault`. Faults queue up in order. */
  failNext(method: string, path: string, fault: Fault): void {
    this.faults.push({ method, path, fault });
  }

  setPrice(symbol: string, price: number): void {
    this.prices.set(symbol, price);
  }

  balance(asset: string): { free: number; locked: number } {
    return this.balances.get(asset) ?? { free: 0, locked: 0 };
  }

  /** Adds (or replaces, same open time) a 1m candle, as the exchange would while a minute goes by. */
  putCandle(symbol: string, candle: EmulatorCandle): void {
    const series = this.candles.get(symbol) ?? [];
    const at = series.findIndex((c) => c.time === candle.time);
    if (at === -1) series.push(candle);
    else series[at] = candle;
    series.sort((a, b) => a.time - b.time);
    this.candles.set(symbol, series);
    this.prices.set(symbol, candle.close);
  }

  ordersWithClientId(clientOrderId: string): EmulatedOrder[] {
    return this.orders.filter((o) => o.clientOrderId === clientOrderId);
  }

  // -------------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    for (const [k, v] of new URLSearchParams(body)) params[k] = v;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const record: RecordedRequest = {
      method,
      path,
      params,
      apiKey: header(req, 'x-mbx-apikey'),
      host: req.headers.host,
      status: 200,
    };
    this.requests.push(record);
    const faultIndex = this.faults.findIndex((f) => f.method === method && f.path === path);
    const fault = faultIndex === -1 ? undefined : this.faults.splice(faultIndex, 1)[0]?.fault;
    try {
      if (fault?.kind === 'error') throw new BinanceError(fault.status, fault.code, fault.msg);
      if (fault?.kind === 'rateLimit') {
        record.status = 429;
        res.writeHead(429, { 'content-type': 'application/json;charset=UTF-8', 'retry-after': String(fault.retryAfterSeconds ?? 3) });
        res.end(JSON.stringify({ code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.' }));
        return;
      }
      const answer = this.route(method, path, params, url.search.slice(1), body, req);
      if (fault?.kind === 'dropAfterAccept') {
        record.status = 0;
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'delayAfterAccept') await new Promise((r) => setTimeout(r, fault.ms));
      if (res.destroyed || req.socket.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(answer));
    } catch (caught) {
      // A bug in the emulator answers as Binance's own unknown error does, and is kept for the test to see.
      const error = caught instanceof BinanceError ? caught : new BinanceError(500, -1000, `An unknown error occured while processing the request. (${String(caught)})`);
      if (!(caught instanceof BinanceError)) this.unhandled.push(`${method} ${path}: ${String(caught)}`);
      record.status = error.status;
      res.writeHead(error.status, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify({ code: error.code, msg: error.message }));
    }
  }

  private route(method: string, path: string, p: Record<string, string>, rawQuery: string, rawBody: string, req: IncomingMessage): unknown {
    const key = `${method} ${path}`;
    switch (key) {
      case 'GET /api/v3/ping':
        return {};
      case 'GET /api/v3/time':
        return { serverTime: this.now() };
      case 'GET /api/v3/exchangeInfo':
        return this.exchangeInfo();
      case 'GET /fapi/v1/exchangeInfo':
      case 'GET /dapi/v1/exchangeInfo':
        // This account trades spot only: the derivatives venues list no symbols.
        return { timezone: 'UTC', serverTime: this.now(), rateLimits: [], exchangeFilters: [], assets: [], symbols: [] };
      case 'GET /api/v3/klines':
        return this.klines(p);
      case 'GET /api/v3/ticker/24hr':
        return this.ticker24hr(p);
    }
    // Everything below is signed (SIGNED endpoints: X-MBX-APIKEY + HMAC SHA256 of the total parameters).
    this.authenticate(p, rawQuery, rawBody, req);
    switch (key) {
      case 'GET /sapi/v1/capital/config/getall':
        return [...new Set([...this.symbols.values()].flatMap((s) => [s.baseAsset, s.quoteAsset]))].map((coin) => ({
          coin,
          depositAllEnable: true,
          withdrawAllEnable: true,
          name: coin,
          free: fixed(this.balance(coin).free),
          locked: fixed(this.balance(coin).locked),
          freeze: '0',
          withdrawing: '0',
          ipoing: '0',
          ipoable: '0',
          storage: '0',
          isLegalMoney: false,
          trading: true,
          networkList: [],
        }));
      case 'GET /sapi/v1/margin/allPairs':
      case 'GET /sapi/v1/margin/isolated/allPairs':
        return [];
      case 'GET /api/v3/account':
        return this.account();
      case 'POST /api/v3/order':
        return this.newOrder(p);
      case 'GET /api/v3/order':
        return this.orderView(this.findOrder(p, -2013, 'Order does not exist.'));
      case 'DELETE /api/v3/order':
        return this.cancel(p);
      case 'GET /api/v3/openOrders':
        return this.orders.filter((o) => (!p.symbol || o.symbol === p.symbol) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')).map((o) => this.orderView(o));
      case 'GET /api/v3/allOrders':
        return this.orders.filter((o) => o.symbol === this.symbolOf(p).symbol).map((o) => this.orderView(o));
      case 'GET /api/v3/myTrades':
        return this.myTrades(p);
    }
    this.unhandled.push(key);
    throw new BinanceError(404, -1000, `The emulator does not serve ${key}`);
  }

  private authenticate(p: Record<string, string>, rawQuery: string, rawBody: string, req: IncomingMessage): void {
    const presented = header(req, 'x-mbx-apikey');
    if (!presented) throw new BinanceError(401, -2014, 'API-key format invalid.');
    if (presented !== this.apiKey) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    // totalParams = query string concatenated with the body; the signature is the last parameter of one of them.
    const strip = (s: string) => s.replace(/&?signature=[^&]*/, '');
    const total = strip(rawQuery) + strip(rawBody);
    const expected = createHmac('sha256', this.secret).update(total).digest('hex');
    const signature = p.signature ?? '';
    if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
      throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
    }
    const timestamp = Number(p.timestamp);
    const recvWindow = Number(p.recvWindow ?? 5000);
    if (!Number.isFinite(timestamp) || Math.abs(this.now() - timestamp) > recvWindow + 1000) {
      throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    }
  }

  private exchangeInfo() {
    return {
      timezone: 'UTC',
      serverTime: this.now(),
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
        { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
      ],
      exchangeFilters: [],
      symbols: [...this.symbols.values()].map((s) => ({
        symbol: s.symbol,
        status: 'TRADING',
        baseAsset: s.baseAsset,
        baseAssetPrecision: 8,
        quoteAsset: s.quoteAsset,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
        icebergAllowed: true,
        ocoAllowed: true,
        otoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        amendAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: s.tickSize, maxPrice: '1000000.00000000', tickSize: s.tickSize },
          { filterType: 'LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
          { filterType: 'ICEBERG_PARTS', limit: 10 },
          { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: s.maxQty, stepSize: '0.00000000' },
          { filterType: 'TRAILING_DELTA', minTrailingAboveDelta: 10, maxTrailingAboveDelta: 2000, minTrailingBelowDelta: 10, maxTrailingBelowDelta: 2000 },
          { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: '5', bidMultiplierDown: '0.2', askMultiplierUp: '5', askMultiplierDown: '0.2', avgPriceMins: 5 },
          { filterType: 'NOTIONAL', minNotional: s.minNotional, applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
          { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
          { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
        allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      })),
    };
  }

  private symbolOf(p: Record<string, string>): SymbolSpec {
    if (!p.symbol) throw new BinanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    const spec = this.symbols.get(p.symbol);
    if (!spec) throw new BinanceError(400, -1121, 'Invalid symbol.');
    return spec;
  }

  private klines(p: Record<string, string>): unknown[] {
    const spec = this.symbolOf(p);
    const step = INTERVAL_MS[p.interval ?? ''];
    if (!step) throw new BinanceError(400, -1120, 'Invalid interval.');
    const limit = Math.min(Number(p.limit ?? 500), 1000);
    const start = p.startTime ? Number(p.startTime) : undefined;
    const end = p.endTime ? Number(p.endTime) : undefined;
    const bars = aggregate(this.candles.get(spec.symbol) ?? [], step).filter((c) => (start === undefined || c.time >= start) && (end === undefined || c.time <= end));
    const chosen = start === undefined ? bars.slice(-limit) : bars.slice(0, limit);
    return chosen.map((c) => [
      c.time, fixed(c.open), fixed(c.high), fixed(c.low), fixed(c.close), fixed(c.volume),
      c.time + step - 1, fixed(c.volume * c.close), 100, fixed(c.volume / 2), fixed((c.volume / 2) * c.close), '0',
    ]);
  }

  private ticker24hr(p: Record<string, string>): unknown {
    const one = (spec: SymbolSpec) => {
      const price = this.prices.get(spec.symbol) ?? 0;
      const now = this.now();
      return {
        symbol: spec.symbol,
        priceChange: '0.00000000',
        priceChangePercent: '0.000',
        weightedAvgPrice: fixed(price),
        prevClosePrice: fixed(price),
        lastPrice: fixed(price),
        lastQty: '0.00100000',
        bidPrice: fixed(price),
        bidQty: '1.00000000',
        askPrice: fixed(price),
        askQty: '1.00000000',
        openPrice: fixed(price),
        highPrice: fixed(price),
        lowPrice: fixed(price),
        volume: '100.00000000',
        quoteVolume: fixed(100 * price),
        openTime: now - 86_400_000,
        closeTime: now,
        firstId: 1,
        lastId: 100,
        count: 100,
      };
    };
    if (p.symbol) return one(this.symbolOf(p));
    const wanted = p.symbols ? (JSON.parse(p.symbols) as string[]) : [...this.symbols.keys()];
    return wanted.map((symbol) => one(this.symbolOf({ symbol })));
  }

  private account() {
    return {
      makerCommission: 10,
      takerCommission: 10,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: { maker: '0.00100000', taker: fixed(this.takerFee), buyer: '0.00000000', seller: '0.00000000' },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: this.now(),
      accountType: 'SPOT',
      balances: [...this.balances.entries()].map(([asset, b]) => ({ asset, free: fixed(b.free), locked: fixed(b.locked) })),
      permissions: ['SPOT'],
      uid: 354937868,
    };
  }

  private newOrder(p: Record<string, string>) {
    const spec = this.symbolOf(p);
    const side = p.side === 'BUY' || p.side === 'SELL' ? p.side : undefined;
    if (!side) throw new BinanceError(400, -1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    const type = p.type ?? '';
    if (type !== 'MARKET' && type !== 'LIMIT') throw new BinanceError(400, -1116, 'Invalid orderType.');
    const clientOrderId = p.newClientOrderId ?? `emu${this.nextOrderId}`;
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(clientOrderId)) {
      throw new BinanceError(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
    }
    const reused = this.orders.some(
      (o) => o.clientOrderId === clientOrderId && (this.duplicates === 'any' || o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
    );
    if (reused) throw new BinanceError(400, -2010, 'Duplicate order sent.');
    const qty = Number(p.quantity);
    if (!Number.isFinite(qty) || qty <= 0) throw new BinanceError(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    const step = Number(spec.stepSize);
    const steps = (qty - Number(spec.minQty)) / step;
    if (qty < Number(spec.minQty) || qty > Number(spec.maxQty) || Math.abs(steps - Math.round(steps)) > 1e-6) {
      throw new BinanceError(400, -1013, 'Filter failure: LOT_SIZE');
    }
    const market = this.prices.get(spec.symbol);
    if (market === undefined) throw new BinanceError(400, -1013, 'Market is closed.');
    const limit = type === 'LIMIT' ? Number(p.price) : undefined;
    const price = limit ?? market;
    if (qty * price < Number(spec.minNotional)) throw new BinanceError(400, -1013, 'Filter failure: NOTIONAL');
    const base = this.balanceOf(spec.baseAsset);
    const quote = this.balanceOf(spec.quoteAsset);
    if (side === 'BUY' ? quote.free < qty * price - 1e-9 : base.free < qty - 1e-12) {
      throw new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');
    }
    const now = this.now();
    const order: EmulatedOrder = {
      symbol: spec.symbol,
      orderId: this.nextOrderId++,
      clientOrderId,
      side,
      type,
      price: fixed(limit ?? 0),
      origQty: qty.toFixed(decimalsOf(spec.stepSize)),
      executedQty: '0.00000000',
      cummulativeQuoteQty: '0.00000000',
      status: 'NEW',
      timeInForce: type === 'LIMIT' ? (p.timeInForce ?? 'GTC') : 'GTC',
      time: now,
      updateTime: now,
      fills: [],
    };
    this.orders.push(order);
    const marketable = limit === undefined || (side === 'BUY' ? limit >= market : limit <= market);
    if (marketable) this.fill(order, spec, market);
    else if (side === 'BUY') {
      quote.free -= qty * price;
      quote.locked += qty * price;
    } else {
      base.free -= qty;
      base.locked += qty;
    }
    const view = this.orderView(order);
    return { ...view, transactTime: now, fills: order.fills };
  }

  private fill(order: EmulatedOrder, spec: SymbolSpec, price: number): void {
    const qty = Number(order.origQty);
    const base = this.balanceOf(spec.baseAsset);
    const quote = this.balanceOf(spec.quoteAsset);
    const cost = qty * price;
    // Commission in the asset received: base on a buy, quote on a sell.
    const commission = order.side === 'BUY' ? qty * this.takerFee : cost * this.takerFee;
    if (order.side === 'BUY') {
      quote.free -= cost;
      base.free += qty - commission;
    } else {
      base.free -= qty;
      quote.free += cost - commission;
    }
    order.fills.push({
      price: fixed(price),
      qty: order.origQty,
      commission: fixed(commission),
      commissionAsset: order.side === 'BUY' ? spec.baseAsset : spec.quoteAsset,
      tradeId: this.nextTradeId++,
    });
    order.executedQty = order.origQty;
    order.cummulativeQuoteQty = fixed(cost);
    order.status = 'FILLED';
    order.updateTime = this.now();
  }

  private balanceOf(asset: string): { free: number; locked: number } {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: 0, locked: 0 };
      this.balances.set(asset, b);
    }
    return b;
  }

  private findOrder(p: Record<string, string>, code: number, msg: string): EmulatedOrder {
    const spec = this.symbolOf(p);
    if (!p.orderId && !p.origClientOrderId) {
      throw new BinanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    // With a client order id reused after a fill (open-only), Binance answers with the most recent order.
    const found = [...this.orders]
      .reverse()
      .find((o) => o.symbol === spec.symbol && (p.orderId ? String(o.orderId) === p.orderId : o.clientOrderId === p.origClientOrderId));
    if (!found) throw new BinanceError(400, code, msg);
    return found;
  }

  private cancel(p: Record<string, string>) {
    const order = this.findOrder(p, -2011, 'Unknown order sent.');
    if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw new BinanceError(400, -2011, 'Unknown order sent.');
    const spec = this.symbolOf(p);
    const qty = Number(order.origQty);
    if (order.side === 'BUY') {
      const quote = this.balanceOf(spec.quoteAsset);
      quote.locked -= qty * Number(order.price);
      quote.free += qty * Number(order.price);
    } else {
      const base = this.balanceOf(spec.baseAsset);
      base.locked -= qty;
      base.free += qty;
    }
    order.status = 'CANCELED';
    order.updateTime = this.now();
    return { ...this.orderView(order), origClientOrderId: order.clientOrderId, transactTime: this.now() };
  }

  private myTrades(p: Record<string, string>) {
    const spec = this.symbolOf(p);
    return this.orders
      .filter((o) => o.symbol === spec.symbol && (!p.orderId || String(o.orderId) === p.orderId))
      .flatMap((o) =>
        o.fills.map((f) => ({
          symbol: o.symbol,
          id: f.tradeId,
          orderId: o.orderId,
          orderListId: -1,
          price: f.price,
          qty: f.qty,
          quoteQty: fixed(Number(f.qty) * Number(f.price)),
          commission: f.commission,
          commissionAsset: f.commissionAsset,
          time: o.updateTime,
          isBuyer: o.side === 'BUY',
          isMaker: false,
          isBestMatch: true,
        })),
      );
  }

  private orderView(o: EmulatedOrder) {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: o.price,
      origQty: o.origQty,
      executedQty: o.executedQty,
      cummulativeQuoteQty: o.cummulativeQuoteQty,
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      stopPrice: '0.00000000',
      icebergQty: '0.00000000',
      time: o.time,
      updateTime: o.updateTime,
      isWorking: true,
      workingTime: o.time,
      origQuoteOrderQty: '0.00000000',
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** 1m candles → bars of `step` ms aligned to the epoch, as Binance aligns its klines. */
function aggregate(minutes: readonly EmulatorCandle[], step: number): EmulatorCandle[] {
  if (step === 60_000) return [...minutes];
  const out: EmulatorCandle[] = [];
  for (const m of minutes) {
    const time = Math.floor(m.time / step) * step;
    const last = out.at(-1);
    if (last && last.time === time) {
      last.high = Math.max(last.high, m.high);
      last.low = Math.min(last.low, m.low);
      last.close = m.close;
      last.volume += m.volume;
    } else {
      out.push({ ...m, time });
    }
  }
  return out;
}
