import { timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  byeSchema,
  COMMAND_TIMEOUT_MS,
  errorSchema,
  heartbeatSchema,
  helloSchema,
  MAX_LINE_BYTES,
  NoAnswerError,
  NotSentError,
  PROTOCOL_VERSION,
  replySchema,
  snapshotSchema,
  updateSchema,
  CommandError,
  type Command,
  type HeartbeatMessage,
  type HelloMessage,
  type SequencedMessage,
} from './protocol';

export type BridgeLog = (level: 'info' | 'warn' | 'error', message: string, data?: unknown) => void;

export interface BridgeTimings {
  heartbeatMs: number;
  /** No line for this long: the link is dead (stale heartbeat or half-open socket). */
  staleAfterMs: number;
  helloTimeoutMs: number;
  /** Per-command reply timeouts; PROTOCOL.md's values by default. */
  commandTimeoutMs?: Partial<Record<Command['type'], number>>;
}

export const DEFAULT_TIMINGS: BridgeTimings = { heartbeatMs: 2_000, staleAfterMs: 6_000, helloTimeoutMs: 10_000 };

/** Splits a byte stream into lines; refuses lines longer than `maxBytes`. */
export class LineDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Returns the complete lines in `chunk` (plus what was pending); throws when a line is too long. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    let nl = chunk.indexOf(0x0a, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      const whole = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      if (whole.length > this.maxBytes) throw new Error(`line of ${whole.length} bytes exceeds the ${this.maxBytes}-byte limit`);
      let text = whole.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim()) lines.push(text);
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pending.push(Buffer.from(rest));
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.maxBytes) throw new Error(`line exceeds the ${this.maxBytes}-byte limit`);
    }
    return lines;
  }
}

export interface SessionHandlers {
  onSequenced(message: SequencedMessage): void;
  onHeartbeat(message: HeartbeatMessage): void;
  /** Once, when the link ends; `deliberate` when the EA said bye or we closed it on purpose. */
  onClose(reason: string, deliberate: boolean): void;
  onProtocolError?(message: string): void;
}

interface PendingCommand {
  type: Command['type'];
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One authenticated EA on the link: heartbeats both ways, dead-link detection, commands with ids and timeouts. */
export class BridgeSession {
  readonly id: number;
  readonly hello: HelloMessage;
  readonly openedAt: number;
  lastReceivedAt: number;
  private handlers: SessionHandlers | undefined;
  private readonly pending = new Map<string, PendingCommand>();
  private nextId = 1;
  private closed = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  /** Lines that arrived before the owner attached its handlers (the snapshot follows the welcome at once). */
  private early: string[] = [];

  constructor(
    id: number,
    hello: HelloMessage,
    private readonly socket: Socket,
    private readonly decoder: LineDecoder,
    private readonly timings: BridgeTimings,
    private readonly log: BridgeLog,
    private readonly now: () => number,
  ) {
    this.id = id;
    this.hello = hello;
    this.openedAt = now();
    this.lastReceivedAt = this.openedAt;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.end('connection closed by the terminal', false));
    socket.on('error', (error) => this.end(`socket error: ${error.message}`, false));
    this.heartbeatTimer = setInterval(() => this.send({ type: 'heartbeat', time: this.now() }), timings.heartbeatMs);
    const checkEvery = Math.max(10, Math.min(timings.heartbeatMs, timings.staleAfterMs) / 2);
    this.staleTimer = setInterval(() => this.checkStale(), checkEvery);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  attach(handlers: SessionHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    for (const line of early) this.onLine(line);
  }

  /** Takes over lines already decoded together with the hello. */
  feed(lines: string[]): void {
    for (const line of lines) this.onLine(line);
  }

  send(message: Record<string, unknown>): boolean {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return false;
    this.socket.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  /**
   * Sends a command and waits for its reply. Rejects with NotSentError when the link is gone before it left,
   * NoAnswerError when it left and no answer came (timeout or link lost): then its outcome is unknown.
   */
  command(command: Command, timeoutMs?: number): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new NotSentError('no link to the MetaTrader terminal'));
    const id = `c${this.nextId++}`;
    const wait = timeoutMs ?? this.timings.commandTimeoutMs?.[command.type] ?? COMMAND_TIMEOUT_MS[command.type];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NoAnswerError(`no answer to ${command.type} within ${(wait / 1000).toFixed(1)} s`));
      }, wait);
      this.pending.set(id, { type: command.type, resolve, reject, timer });
      if (!this.send({ ...command, id })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new NotSentError('no link to the MetaTrader terminal'));
      }
    });
  }

  /** Closes the link on purpose (with a bye the EA understands) or because it is dead. */
  close(reason: string, options: { bye?: boolean; deliberate?: boolean } = {}): void {
    if (this.closed) return;
    if (options.bye) this.send({ type: 'bye', reason });
    this.end(reason, options.deliberate ?? Boolean(options.bye));
  }

  private end(reason: string, deliberate: boolean): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.staleTimer);
    // end() lets a bye already written reach the EA; destroy() follows so a half-open peer cannot keep it alive.
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 50).unref();
    for (const [id, command] of this.pending) {
      clearTimeout(command.timer);
      command.reject(new NoAnswerError(`link lost before the answer to ${command.type} (${reason})`));
      this.pending.delete(id);
    }
    this.handlers?.onClose(reason, deliberate);
  }

  private checkStale(): void {
    const silent = this.now() - this.lastReceivedAt;
    if (silent > this.timings.staleAfterMs) {
      const beats = Math.floor(silent / this.timings.heartbeatMs);
      this.log('warn', 'mt5 bridge: link stale', { silentMs: silent });
      this.end(`no heartbeat for ${(silent / 1000).toFixed(1)} s (${beats} missed): stale link or half-open socket`, false);
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastReceivedAt = this.now();
    let lines: string[];
    try {
      lines = this.decoder.push(chunk);
    } catch (error) {
      this.end(`protocol error: ${(error as Error).message}`, false);
      return;
    }
    for (const line of lines) {
      if (this.closed) return;
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (!this.handlers) {
      this.early.push(line);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      this.protocolError(`not JSON: ${line.slice(0, 120)}`);
      return;
    }
    const type = (raw as { type?: unknown } | null)?.type;
    switch (type) {
      case 'heartbeat': {
        const parsed = heartbeatSchema.safeParse(raw);
        if (parsed.success) this.handlers.onHeartbeat(parsed.data);
        else this.protocolError(`bad heartbeat: ${parsed.error.message}`);
        return;
      }
      case 'snapshot': {
        const parsed = snapshotSchema.safeParse(raw);
        if (parsed.success) this.handlers.onSequenced(parsed.data);
        else this.protocolError(`bad snapshot: ${parsed.error.message}`);
        return;
      }
      case 'reply': {
        const parsed = replySchema.safeParse(raw);
        if (!parsed.success) {
          this.protocolError(`bad reply: ${parsed.error.message}`);
          return;
        }
        const reply = parsed.data;
        const pending = this.pending.get(reply.id);
        if (!pending) return; // a late or repeated answer: its command already ended
        this.pending.delete(reply.id);
        clearTimeout(pending.timer);
        if (reply.ok) pending.resolve(reply.result);
        else pending.reject(new CommandError(reply.error?.code ?? 'INTERNAL', reply.error?.message || 'refused by the terminal', reply.error?.retcode));
        return;
      }
      case 'bye': {
        const parsed = byeSchema.safeParse(raw);
        this.end(`the EA closed the link${parsed.success && parsed.data.reason ? `: ${parsed.data.reason}` : ''}`, true);
        return;
      }
      case 'error': {
        const parsed = errorSchema.safeParse(raw);
        this.protocolError(`the EA reported: ${parsed.success ? parsed.data.message : line.slice(0, 120)}`);
        return;
      }
      case 'hello':
        this.protocolError('hello on an open link ignored');
        return;
      default: {
        const parsed = updateSchema.safeParse(raw);
        if (parsed.success) this.handlers.onSequenced(parsed.data);
        else this.protocolError(`unknown or malformed message "${String(type)}"`);
      }
    }
  }

  private protocolError(message: string): void {
    this.log('warn', `mt5 bridge: ${message}`);
    this.handlers?.onProtocolError?.(message);
  }
}

export interface BridgeServerOptions {
  host?: string;
  port: number;
  /** The expected token, read at each hello (rotating the file takes effect without a restart). */
  token: () => string;
  appVersion: string;
  timings?: Partial<BridgeTimings>;
  log?: BridgeLog;
  now?: () => number;
  onSession(session: BridgeSession): void;
  onDenied(reason: string): void;
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && expected.length > 0 && timingSafeEqual(a, b);
}

/** The app's end of the bridge: a TCP server on 127.0.0.1 that authenticates EAs and hands over sessions. */
export class BridgeServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private sessionIds = 0;
  readonly timings: BridgeTimings;
  private readonly log: BridgeLog;
  private readonly now: () => number;

  constructor(private readonly options: BridgeServerOptions) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
  }

  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  get listening(): boolean {
    return Boolean(this.server?.listening);
  }

  async listen(): Promise<number> {
    if (this.server?.listening) return this.port as number;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.host ?? '127.0.0.1', port: this.options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.log('error', 'mt5 bridge server error', { error: error.message }));
    this.server = server;
    return this.port as number;
  }

  /** Stops listening and drops every socket (sessions are closed by their owner first). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const decoder = new LineDecoder();
    let done = false;
    const deny = (reason: string) => {
      if (done) return;
      done = true;
      clearTimeout(helloTimer);
      this.options.onDenied(reason);
      this.log('warn', 'mt5 bridge: connection denied', { reason });
      socket.removeAllListeners('data');
      if (socket.writable) socket.end(`${JSON.stringify({ type: 'denied', reason })}\n`);
      setTimeout(() => socket.destroy(), 200).unref();
    };
    const helloTimer = setTimeout(() => deny(`no hello within ${this.timings.helloTimeoutMs / 1000} s`), this.timings.helloTimeoutMs);
    socket.on('error', () => {
      clearTimeout(helloTimer);
      done = true;
    });
    const onData = (chunk: Buffer) => {
      if (done) return;
      let lines: string[];
      try {
        lines = decoder.push(chunk);
      } catch (error) {
        deny((error as Error).message);
        return;
      }
      if (!lines.length) return;
      const [first, ...rest] = lines as [string, ...string[]];
      let raw: unknown;
      try {
        raw = JSON.parse(first);
      } catch {
        deny('the first line was not JSON: is this an EchoBridge EA?');
        return;
      }
      const parsed = helloSchema.safeParse(raw);
      if (!parsed.success) {
        deny('the first message must be a hello (see PROTOCOL.md)');
        return;
      }
      const hello = parsed.data;
      if (hello.protocol !== PROTOCOL_VERSION) {
        deny(`protocol ${hello.protocol} is not supported (this app speaks ${PROTOCOL_VERSION}): update EchoBridge.mq5 from the app's resources`);
        return;
      }
      if (!tokenMatches(hello.token, this.options.token())) {
        deny('wrong token: copy the bridge token shown by GET /api/mt5/status (token_file) into the EA input InpToken');
        return;
      }
      done = true;
      clearTimeout(helloTimer);
      socket.off('data', onData);
      const session = new BridgeSession(++this.sessionIds, hello, socket, decoder, this.timings, this.log, this.now);
      session.send({
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        app_version: this.options.appVersion,
        heartbeat_ms: this.timings.heartbeatMs,
        stale_after_ms: this.timings.staleAfterMs,
      });
      session.feed(rest);
      this.options.onSession(session);
    };
    socket.on('data', onData);
  }
}
