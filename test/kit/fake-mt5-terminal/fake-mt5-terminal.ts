import { connect, type Socket } from 'node:net';

/**
 * A fake MetaTrader 5 terminal with EchoBridge attached: it speaks the EA's side of resources/mt5/PROTOCOL.md over
 * real TCP and keeps a small in-memory trading book (market orders fill at the current price, positions keep their
 * comment and magic, a client order id that already traded is answered, never traded again — as the EA does).
 *
 * Faults to inject: drop the link after an order executed but before its reply, send updates twice or out of
 * order or skip one, close a position by its stop while the link is down, go silent (stale heartbeat) or half-open
 * (stop reading and writing without a FIN).
 */

export interface FakeSymbol {
  name: string;
  digits: number;
  contractSize: number;
  bid: number;
  spread: number;
  base: string;
  profit: string;
}

export const DEFAULT_SYMBOLS: FakeSymbol[] = [
  { name: 'EURUSD', digits: 5, contractSize: 100_000, bid: 1.085, spread: 0.0001, base: 'EUR', profit: 'USD' },
  { name: 'XAUUSD', digits: 2, contractSize: 100, bid: 2350, spread: 0.3, base: 'XAU', profit: 'USD' },
  { name: 'USDJPY', digits: 3, contractSize: 100_000, bid: 151.2, spread: 0.012, base: 'USD', profit: 'JPY' },
];

export interface FakePosition {
  ticket: string;
  symbol: string;
  side: 'buy' | 'sell';
  volume: number;
  price_open: number;
  time: number;
  sl: number;
  tp: number;
  magic: number;
  comment: string;
}

export interface FakeDeal {
  ticket: string;
  order: string;
  position: string;
  symbol: string;
  side: 'buy' | 'sell';
  entry: 'in' | 'out';
  volume: number;
  price: number;
  time: number;
  commission: number;
  swap: number;
  fee: number;
  profit: number;
  magic: number;
  comment: string;
  reason: string;
}

type Json = Record<string, unknown>;

export interface FakeTerminalOptions {
  port: number;
  token: string;
  login?: string;
  server?: string;
  balance?: number;
  symbols?: FakeSymbol[];
  protocol?: number;
  /** Commission per lot and side (MetaTrader reports it negative on deals). */
  commissionPerLot?: number;
  /** Symbols the broker offers but that are not in Market Watch yet (not in the snapshot until subscribed). */
  hiddenSymbols?: string[];
}

const TF_MS: Record<string, number> = { M1: 60_000, M5: 300_000, M15: 900_000, M30: 1_800_000, H1: 3_600_000, H4: 14_400_000, D1: 86_400_000 };

export class FakeMt5Terminal {
  readonly login: string;
  readonly server: string;
  balance: number;
  readonly symbols: Map<string, FakeSymbol>;
  /** The Market Watch: the symbols a snapshot lists. */
  readonly marketWatch: Set<string>;
  readonly positions = new Map<string, FakePosition>();
  readonly deals: FakeDeal[] = [];
  /** Every command received, in order (for assertions). */
  readonly commands: Json[] = [];
  /** How many market orders really executed (de-duplicated ones are not counted). */
  executed = 0;
  terminalConnected = true;
  subscribed: { symbols: string[]; timeframes: string[] } = { symbols: [], timeframes: [] };
  /** What the app answered to the last hello. */
  lastHandshake: Json | undefined;
  connections = 0;

  readonly faults = {
    /** Execute the next command of this type, then cut the link before any event or reply leaves. */
    dropAfterExecute: undefined as 'place' | 'close' | undefined,
    /** Send every sequenced update twice. */
    duplicateUpdates: false,
    /** Send sequenced updates pairwise swapped (n+1 before n). */
    reorderUpdates: false,
    /** Skip one seq number before the next update (a lost message). */
    skipNextSeq: false,
    /** Send no snapshot after the welcome until asked (resync). */
    withholdSnapshot: false,
  };

  private socket: Socket | undefined;
  private seq = 0;
  private nextTicket = 1000;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatMs = 1000;
  private silent = false;
  private halfOpen = false;
  private held: Json | undefined;
  private buffer = '';
  private readonly options: FakeTerminalOptions;
  private readonly recordedBars = new Map<string, number[][]>();
  private waiters: { match: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];

  constructor(options: FakeTerminalOptions) {
    this.options = options;
    this.login = options.login ?? '12345678';
    this.server = options.server ?? 'Echo-Demo';
    this.balance = options.balance ?? 10_000;
    this.symbols = new Map((options.symbols ?? DEFAULT_SYMBOLS).map((s) => [s.name, { ...s }]));
    this.marketWatch = new Set([...this.symbols.keys()].filter((name) => !options.hiddenSymbols?.includes(name)));
  }

  get connected(): boolean {
    return Boolean(this.socket && !this.socket.destroyed);
  }

  /** Connects, says hello, waits for the welcome (rejects on denied) and sends the snapshot. */
  async connect(token = this.options.token): Promise<Json> {
    this.disconnect();
    this.seq = 0;
    this.held = undefined;
    this.buffer = '';
    this.silent = false;
    this.halfOpen = false;
    const socket = connect({ host: '127.0.0.1', port: this.options.port });
    this.socket = socket;
    socket.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      if (this.socket === socket) this.stopHeartbeats();
    });
    this.connections++;
    const answer = this.waitFor((m) => m.type === 'welcome' || m.type === 'denied', 5_000);
    this.write({
      type: 'hello',
      protocol: this.options.protocol ?? 1,
      token,
      ea_version: 'fake-1.0',
      server_utc_offset_s: 0,
      terminal: { name: 'MetaTrader 5', company: 'Fake Ltd', build: 4620, path: 'C:\\MT5', data_path: 'C:\\MT5', connected: this.terminalConnected, trade_allowed: true, ea_trade_allowed: true },
      account: { login: Number(this.login), server: this.server, name: 'Fake Trader', company: 'Fake Broker', currency: 'USD', trade_mode: 'demo' },
    });
    const reply = await answer;
    this.lastHandshake = reply;
    if (reply.type === 'denied') throw new Error(`denied: ${String(reply.reason)}`);
    this.heartbeatMs = Number(reply.heartbeat_ms) || 1000;
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), this.heartbeatMs);
    if (!this.faults.withholdSnapshot) this.sendSnapshot('connect');
    return reply;
  }

  /** The link drops abruptly (no bye). */
  disconnect(): void {
    this.stopHeartbeats();
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  /** The EA is removed from its chart: a bye, then the socket closes. */
  bye(reason = 'EchoBridge removed from the chart'): void {
    this.write({ type: 'bye', reason });
    this.stopHeartbeats();
    this.socket?.end();
    this.socket = undefined;
  }

  /** The terminal freezes: it keeps the socket but sends nothing (no heartbeats, no replies). */
  goSilent(): void {
    this.silent = true;
    this.stopHeartbeats();
  }

  /** The peer vanishes without a FIN: nothing is read or written any more, the socket stays open on our side. */
  goHalfOpen(): void {
    this.halfOpen = true;
    this.stopHeartbeats();
    this.socket?.pause();
  }

  /** The terminal's own connection to its trade server (reported in heartbeats, separately from the link). */
  setBrokerConnected(connected: boolean): void {
    this.terminalConnected = connected;
    this.sendHeartbeat();
  }

  setPrice(symbol: string, bid: number): void {
    const s = this.symbols.get(symbol);
    if (s) s.bid = bid;
  }

  /** Opens a position as if a trader clicked in the terminal (no client order id of ours). */
  openManual(symbol: string, side: 'buy' | 'sell', volume: number): FakePosition {
    return this.execute({ symbol, side, volume, magic: 0, comment: '', sl: 0, tp: 0 }, 'client').position;
  }

  /** The broker closes a position at its stop loss (or `price`); events go out only if the link is up. */
  hitStop(ticket: string, price?: number): FakeDeal {
    const position = this.positions.get(ticket);
    if (!position) throw new Error(`no position ${ticket}`);
    const deal = this.closePosition(position, position.volume, price ?? (position.sl || this.closePrice(position)), 'sl', '');
    return deal;
  }

  /** A bar of a subscribed symbol/timeframe closed (kept: history requests then answer with it). */
  closeBar(symbol: string, timeframe: string, time: number, close: number): void {
    this.recordBar(symbol, timeframe, time, close);
    this.sendUpdate({ type: 'bar', symbol, timeframe, time, open: close - 0.001, high: close + 0.002, low: close - 0.002, close, volume: 100 });
  }

  /**
   * A closed bar in the terminal's history only (no update sent). Once a (symbol, timeframe) has recorded bars,
   * `history` answers from them instead of the synthetic curve, so a restarted app warms up on what it traded on.
   */
  recordBar(symbol: string, timeframe: string, time: number, close: number): void {
    const key = `${symbol}:${timeframe}`;
    const bars = this.recordedBars.get(key) ?? [];
    if (!bars.some((b) => b[0] === time)) bars.push([time, close - 0.001, close + 0.002, close - 0.002, close, 100]);
    bars.sort((a, b) => (a[0] as number) - (b[0] as number));
    this.recordedBars.set(key, bars);
  }

  /** Waits for a message from the app. */
  waitFor(match: (m: Json) => boolean, timeoutMs = 5_000): Promise<Json> {
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (m: Json) => { clearTimeout(timer); resolve(m); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('fake terminal: timed out waiting for a message from the app'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  positionByComment(comment: string): FakePosition | undefined {
    return [...this.positions.values()].find((p) => p.comment === comment);
  }

  // ——————————————————————————————————— protocol

  private onData(chunk: string): void {
    if (this.halfOpen) return;
    this.buffer += chunk;
    let nl = this.buffer.indexOf('\n');
    while (nl !== -1) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(JSON.parse(line) as Json);
      nl = this.buffer.indexOf('\n');
    }
  }

  private onMessage(message: Json): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.match(message)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    }
    if (typeof message.id === 'string') {
      this.commands.push(message);
      if (!this.silent) this.onCommand(message);
    } else if (message.type === 'bye') {
      this.disconnect();
    }
  }

  private onCommand(c: Json): void {
    const id = c.id as string;
    const ok = (result: Json) => this.write({ type: 'reply', id, ok: true, result });
    const fail = (code: string, message: string, retcode?: number) => this.write({ type: 'reply', id, ok: false, error: { code, message, ...(retcode ? { retcode } : {}) } });
    switch (c.type) {
      case 'subscribe': {
        const wanted = (c.symbols as string[]) ?? [];
        const symbols = wanted.map((s) => this.resolve(s)).filter((s): s is string => Boolean(s));
        this.subscribed = { symbols, timeframes: (c.timeframes as string[]) ?? [] };
        for (const s of symbols) this.marketWatch.add(s);
        ok({ symbols, unknown: wanted.filter((s) => !this.resolve(s)) });
        return;
      }
      case 'history':
        ok(this.history(c));
        return;
      case 'place': {
        const clientOrderId = String(c.client_order_id ?? '');
        const symbol = this.resolve(String(c.symbol ?? ''));
        if (!clientOrderId || !(Number(c.volume) > 0)) return fail('INVALID', 'client_order_id, symbol and volume are required');
        if (!symbol) return fail('UNKNOWN_SYMBOL', `${String(c.symbol)} is not offered`);
        if (!this.terminalConnected) return fail('NO_CONNECTION', 'no connection to the trade server');
        const existing = this.deals.find((d) => d.comment === clientOrderId && d.entry === 'in');
        if (existing) return ok(this.placeResult(existing, true));
        const { deal } = this.execute(
          { symbol, side: c.side as 'buy' | 'sell', volume: Number(c.volume), magic: Number(c.magic ?? 0), comment: clientOrderId, sl: Number(c.sl ?? 0), tp: Number(c.tp ?? 0) },
          'expert',
          this.faults.dropAfterExecute === 'place',
        );
        if (this.dropNow('place')) return;
        ok(this.placeResult(deal, false));
        return;
      }
      case 'close': {
        const clientOrderId = String(c.client_order_id ?? '');
        const done = this.deals.find((d) => d.comment === clientOrderId && d.entry === 'out');
        if (clientOrderId && done) return ok(this.closeResult(done, true));
        const position = c.ticket ? this.positions.get(String(c.ticket)) : this.positionByComment(String(c.position_client_order_id ?? ''));
        if (!position) return fail('NOT_FOUND', `position ${String(c.ticket ?? c.position_client_order_id)} is not open`);
        const volume = c.volume ? Math.min(Number(c.volume), position.volume) : position.volume;
        const deal = this.closePosition(position, volume, this.closePrice(position), 'expert', clientOrderId, this.faults.dropAfterExecute === 'close');
        if (this.dropNow('close')) return;
        ok(this.closeResult(deal, false));
        return;
      }
      case 'modify': {
        const position = this.positions.get(String(c.ticket));
        if (!position) return fail('NOT_FOUND', `position ${String(c.ticket)} is not open`);
        position.sl = Number(c.sl ?? 0);
        position.tp = Number(c.tp ?? 0);
        this.sendUpdate({ type: 'position_modified', position: this.positionWire(position) });
        ok({ ticket: position.ticket, sl: position.sl, tp: position.tp });
        return;
      }
      case 'find_order': {
        const clientOrderId = String(c.client_order_id ?? '');
        const open = this.positionByComment(clientOrderId);
        const deals = this.deals.filter((d) => d.comment === clientOrderId);
        const position = open ?? (deals[0] ? this.positions.get(deals[0].position) : undefined);
        const related = deals[0] ? this.deals.filter((d) => d.position === deals[0]?.position) : [];
        if (!open && !deals.length) return ok({ found: false });
        ok({ found: true, status: 'filled', position: position ? this.positionWire(position) : null, deals: related });
        return;
      }
      case 'position_deals': {
        const ticket = String(c.ticket);
        const position = this.positions.get(ticket);
        ok({ ticket, open: Boolean(position), position: position ? this.positionWire(position) : null, deals: this.deals.filter((d) => d.position === ticket) });
        return;
      }
      case 'resync':
        ok({});
        this.sendSnapshot('resync');
        return;
      default:
        fail('UNKNOWN_COMMAND', `unknown command ${String(c.type)}`);
    }
  }

  /** The broker's spelling, matched ignoring case, as the EA does. */
  private resolve(name: string): string | undefined {
    if (this.symbols.has(name)) return name;
    return [...this.symbols.keys()].find((s) => s.toUpperCase() === name.toUpperCase());
  }

  private dropNow(type: 'place' | 'close'): boolean {
    if (this.faults.dropAfterExecute !== type) return false;
    this.faults.dropAfterExecute = undefined;
    this.disconnect();
    return true;
  }

  private execute(
    o: { symbol: string; side: 'buy' | 'sell'; volume: number; magic: number; comment: string; sl: number; tp: number },
    reason: string,
    quiet = false,
  ): { position: FakePosition; deal: FakeDeal } {
    const s = this.symbols.get(o.symbol) as FakeSymbol;
    const price = o.side === 'buy' ? s.bid + s.spread : s.bid;
    const time = Date.now();
    const ticket = String(this.nextTicket++);
    const position: FakePosition = { ticket, symbol: o.symbol, side: o.side, volume: o.volume, price_open: round(price, s.digits), time, sl: o.sl, tp: o.tp, magic: o.magic, comment: o.comment };
    const deal: FakeDeal = {
      ticket: String(this.nextTicket++),
      order: ticket,
      position: ticket,
      symbol: o.symbol,
      side: o.side,
      entry: 'in',
      volume: o.volume,
      price: position.price_open,
      time,
      commission: -round((this.options.commissionPerLot ?? 3.5) * o.volume, 2),
      swap: 0,
      fee: 0,
      profit: 0,
      magic: o.magic,
      comment: o.comment,
      reason,
    };
    this.positions.set(ticket, position);
    this.deals.push(deal);
    this.executed++;
    this.balance += deal.commission;
    if (!quiet) {
      this.sendUpdate({ type: 'deal_added', deal });
      this.sendUpdate({ type: 'position_opened', position: this.positionWire(position) });
    }
    return { position, deal };
  }

  private closePosition(position: FakePosition, volume: number, price: number, reason: string, comment: string, quiet = false): FakeDeal {
    const s = this.symbols.get(position.symbol) as FakeSymbol;
    const direction = position.side === 'buy' ? 1 : -1;
    let profit = (price - position.price_open) * direction * volume * s.contractSize;
    if (s.profit !== 'USD') profit /= price;
    const deal: FakeDeal = {
      ticket: String(this.nextTicket++),
      order: String(this.nextTicket++),
      position: position.ticket,
      symbol: position.symbol,
      side: position.side === 'buy' ? 'sell' : 'buy',
      entry: 'out',
      volume,
      price,
      time: Date.now(),
      commission: -round((this.options.commissionPerLot ?? 3.5) * volume, 2),
      swap: 0,
      fee: 0,
      profit: round(profit, 2),
      magic: position.magic,
      comment,
      reason,
    };
    this.deals.push(deal);
    this.balance += deal.profit + deal.commission;
    const remaining = round(position.volume - volume, 8);
    if (remaining > 0) position.volume = remaining;
    else this.positions.delete(position.ticket);
    if (!quiet) {
      this.sendUpdate({ type: 'deal_added', deal });
      if (remaining > 0) this.sendUpdate({ type: 'position_modified', position: this.positionWire(position) });
      else this.sendUpdate({ type: 'position_closed', ticket: position.ticket, deal });
      this.sendUpdate({ type: 'account', account: this.accountWire() });
    }
    return deal;
  }

  private closePrice(position: FakePosition): number {
    const s = this.symbols.get(position.symbol) as FakeSymbol;
    return position.side === 'buy' ? s.bid : round(s.bid + s.spread, s.digits);
  }

  private placeResult(deal: FakeDeal, duplicate: boolean): Json {
    const position = this.positions.get(deal.position);
    return {
      client_order_id: deal.comment,
      duplicate,
      status: 'filled',
      order: deal.order,
      deal: deal.ticket,
      position: deal.position,
      symbol: deal.symbol,
      side: deal.side,
      volume: deal.volume,
      price: deal.price,
      time: deal.time,
      commission: deal.commission,
      sl: position?.sl ?? 0,
      tp: position?.tp ?? 0,
      magic: deal.magic,
    };
  }

  private closeResult(deal: FakeDeal, duplicate: boolean): Json {
    return {
      client_order_id: deal.comment,
      duplicate,
      ticket: deal.position,
      order: deal.order,
      deal: deal.ticket,
      price: deal.price,
      volume: deal.volume,
      time: deal.time,
      profit: deal.profit,
      commission: deal.commission,
      swap: deal.swap,
      closed: !this.positions.has(deal.position),
    };
  }

  private history(c: Json): Json {
    const timeframe = String(c.timeframe);
    const step = TF_MS[timeframe] ?? 3_600_000;
    const s = this.symbols.get(this.resolve(String(c.symbol)) ?? '');
    const forming = Math.floor(Date.now() / step) * step;
    const count = Math.min(5000, Number(c.count ?? 500));
    const to = Math.min(c.to !== undefined ? Number(c.to) : forming - step, forming - step);
    let from = c.from !== undefined ? Number(c.from) : to - (count - 1) * step;
    from = Math.ceil(from / step) * step;
    const recorded = this.recordedBars.get(`${this.resolve(String(c.symbol)) ?? ''}:${timeframe}`);
    // Without `from`: the last `count` bars up to `to`, however old (the recorded bars may lie well in the past).
    if (recorded) return { symbol: c.symbol, timeframe, bars: recorded.filter((b) => (c.from === undefined || (b[0] as number) >= from) && (b[0] as number) <= to).slice(-count) };
    const bars: number[][] = [];
    for (let t = from; t <= to; t += step) {
      const base = (s?.bid ?? 1) * (1 + Math.sin(t / step) * 0.001);
      bars.push([t, base, base * 1.001, base * 0.999, base * 1.0005, 10]);
    }
    return { symbol: c.symbol, timeframe, bars: bars.slice(-count) };
  }

  sendSnapshot(reason: string): void {
    this.sendUpdate({
      type: 'snapshot',
      time: Date.now(),
      reason,
      account: this.accountWire(),
      symbols: [...this.symbols.values()].filter((s) => this.marketWatch.has(s.name)).map((s) => ({
        name: s.name,
        description: `${s.base} vs ${s.profit}`,
        path: `Forex\\${s.name}`,
        digits: s.digits,
        point: Number((10 ** -s.digits).toFixed(s.digits)),
        tick_size: Number((10 ** -s.digits).toFixed(s.digits)),
        tick_value: 1,
        contract_size: s.contractSize,
        volume_min: 0.01,
        volume_step: 0.01,
        volume_max: 100,
        currency_base: s.base,
        currency_profit: s.profit,
        currency_margin: s.base,
        calc_mode: s.base === 'XAU' ? 'cfd' : 'forex',
        trade_mode: 'full',
        stops_level: 0,
        spread: Math.round(s.spread * 10 ** s.digits),
        bid: s.bid,
        ask: round(s.bid + s.spread, s.digits),
      })),
      positions: [...this.positions.values()].map((p) => this.positionWire(p)),
      orders: [],
    });
  }

  private accountWire(): Json {
    return {
      login: Number(this.login), name: 'Fake Trader', server: this.server, company: 'Fake Broker', currency: 'USD', leverage: 100,
      balance: round(this.balance, 2), equity: round(this.balance, 2), margin: 0, margin_free: round(this.balance, 2), margin_level: 0, profit: 0,
      trade_mode: 'demo', trade_allowed: true,
    };
  }

  private positionWire(p: FakePosition): Json {
    const s = this.symbols.get(p.symbol) as FakeSymbol;
    return { ...p, swap: 0, profit: 0, price_current: s.bid };
  }

  private sendHeartbeat(): void {
    if (this.silent || this.halfOpen) return;
    this.write({ type: 'heartbeat', time: Date.now(), terminal_connected: this.terminalConnected, trade_allowed: true, ping_ms: 12, server_utc_offset_s: 0 });
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /** Sequenced messages, through the fault injectors. */
  private sendUpdate(message: Json): void {
    if (!this.connected) return;
    if (this.faults.skipNextSeq) {
      this.faults.skipNextSeq = false;
      this.seq++;
    }
    const sequenced = { ...message, seq: ++this.seq };
    if (this.faults.reorderUpdates && message.type !== 'snapshot') {
      if (!this.held) {
        this.held = sequenced;
        // Flushed by the next update, or shortly after if none comes.
        setTimeout(() => this.flushHeld(), 30);
        return;
      }
      const first = this.held;
      this.held = undefined;
      this.emit(sequenced);
      this.emit(first);
      return;
    }
    this.emit(sequenced);
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = undefined;
    if (held) this.emit(held);
  }

  private emit(message: Json): void {
    this.write(message);
    if (this.faults.duplicateUpdates) this.write(message);
  }

  private write(message: Json): void {
    if (this.halfOpen || (this.silent && message.type !== 'hello')) return;
    if (!this.socket || this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(`${JSON.stringify(message)}\n`);
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
