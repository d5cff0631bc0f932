import { BridgeServer, type BridgeLog, type BridgeSession, type BridgeTimings } from './bridge-server';
import type { Mt5PositionWire, Command, HeartbeatMessage, SequencedMessage, UpdateMessage } from './protocol';
import { DEFAULT_BRIDGE_PORT, NotSentError } from './protocol';
import { Mt5Book } from './mt5-book';
import { SeqGate, type SeqGateOptions } from './seq-gate';
import type { Mt5LinkFacts } from './mt5-status';

/**
 * The bridge connection: the TCP server the EchoBridge EA connects to, the current session (one link at a time: a new
 * connection replaces the old), the sequence gate (gaps → resync), the heartbeat, and the book the snapshot and the
 * updates keep current. It knows nothing of orders or bars: it hands snapshots and updates to its handlers (the
 * execution client, the feed) and says when its state changed.
 */

export interface Mt5LinkOptions {
  port?: number;
  host?: string;
  token: { value(): string; file: string };
  appVersion: string;
  timings?: Partial<BridgeTimings>;
  sequencing?: SeqGateOptions;
  log: BridgeLog;
  now: () => number;
  /** A snapshot must follow the welcome within this time, else a resync is asked for. */
  snapshotTimeoutMs?: number;
}

export interface Mt5LinkHandlers {
  /** A snapshot replaced the book: positions that vanished from it and ones that appeared; `first` on a new link. */
  onSnapshot(change: { vanished: Mt5PositionWire[]; appeared: Mt5PositionWire[]; first: boolean }): void;
  /** A sequenced update, after the book applied it (position_closed: `closed` is the position as the book had it). */
  onUpdate(update: UpdateMessage, closed: Mt5PositionWire | undefined): void;
  /** A terminal connected (a new session started). */
  onSession(): void;
  /** Something status() shows may have changed. */
  onChange(): void;
}

export class Mt5Link {
  readonly book = new Mt5Book();
  private readonly server: BridgeServer;
  private readonly gate: SeqGate<SequencedMessage>;
  private handlers: Mt5LinkHandlers | undefined;
  private session: BridgeSession | undefined;
  private synchronizedFlag = false;
  private resumingFlag = false;
  private everConnected = false;
  private listenError: string | null = null;
  private lastHeartbeatAt: number | null = null;
  private terminalConnected: boolean | null = null;
  private tradeAllowedFlag = true;
  private connectedSince: number | null = null;
  private lastDisconnect: { at: number; reason: string } | null = null;
  private lastDenied: { at: number; reason: string } | null = null;
  private connections = 0;
  private denied = 0;
  private snapshotTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: Mt5LinkOptions) {
    this.server = new BridgeServer({
      port: options.port ?? DEFAULT_BRIDGE_PORT,
      host: options.host ?? '127.0.0.1',
      token: () => options.token.value(),
      appVersion: options.appVersion,
      ...(options.timings ? { timings: options.timings } : {}),
      log: options.log,
      now: options.now,
      onSession: (session) => this.onSession(session),
      onDenied: (reason) => {
        this.denied++;
        this.lastDenied = { at: options.now(), reason };
        this.changed();
      },
    });
    this.gate = new SeqGate<SequencedMessage>(
      (message) => this.applySequenced(message),
      (why) => void this.requestResync(why),
      options.sequencing,
    );
  }

  /** Set once by the bridge that composes the link with its execution client and feed. */
  attach(handlers: Mt5LinkHandlers): void {
    this.handlers = handlers;
  }

  get port(): number | null {
    return this.server.port;
  }

  get configuredPort(): number {
    return this.options.port ?? DEFAULT_BRIDGE_PORT;
  }

  get token(): { value(): string; file: string } {
    return this.options.token;
  }

  /** A session is open. */
  get isOpen(): boolean {
    return Boolean(this.session?.isOpen);
  }

  /** The terminal's welcome of the open session. */
  get hello(): BridgeSession['hello'] | undefined {
    return this.session?.isOpen ? this.session.hello : undefined;
  }

  /** The open session has sent its snapshot: the book is the terminal's state. */
  get synchronized(): boolean {
    return this.synchronizedFlag;
  }

  get resuming(): boolean {
    return this.resumingFlag;
  }

  /** The terminal's own link to its trade server (null before the first word about it). */
  get brokerConnected(): boolean | null {
    return this.terminalConnected;
  }

  get tradeAllowed(): boolean {
    return this.tradeAllowedFlag;
  }

  get error(): string | null {
    return this.listenError;
  }

  /** Open, synchronized and not catching up after a reconnect. */
  isReady(): boolean {
    return this.isOpen && this.synchronizedFlag && !this.resumingFlag;
  }

  /** Opens the TCP server (idempotent). Throws when the port cannot be had; `error` then says why. */
  async listen(): Promise<number> {
    try {
      this.options.token.value(); // the token file exists as soon as the EA could connect
      const port = await this.server.listen();
      this.listenError = null;
      this.options.log('info', 'mt5 bridge listening', { port });
      this.changed();
      return port;
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      this.listenError =
        err.code === 'EADDRINUSE'
          ? `port ${this.configuredPort} on 127.0.0.1 is used by another program`
          : `could not listen on 127.0.0.1:${this.configuredPort}: ${err.message}`;
      this.changed();
      throw error;
    }
  }

  /** Closes the link (with a bye) and stops listening. */
  async stop(reason: string): Promise<void> {
    this.session?.close(reason, { bye: true });
    await this.server.close();
    this.changed();
  }

  async close(reason: string): Promise<void> {
    clearTimeout(this.snapshotTimer);
    this.gate.dispose();
    await this.stop(reason);
  }

  /** A command on the current link; rejects with NotSentError when there is none. */
  request(command: Command): Promise<Record<string, unknown>> {
    const session = this.session;
    if (!session?.isOpen) return Promise.reject(new NotSentError('no link to the MetaTrader terminal'));
    return session.command(command);
  }

  async requestResync(why: string): Promise<void> {
    const session = this.session;
    if (!session?.isOpen) return;
    this.options.log('warn', 'mt5 bridge: resync', { why });
    try {
      await session.command({ type: 'resync' });
    } catch (error) {
      this.options.log('warn', 'mt5 bridge: resync not answered', { error: (error as Error).message });
      this.gate.resyncFailed();
    }
  }

  /** Runs the catch-up after a new link's first snapshot; `resuming` (reconciling) while it runs. */
  async resume(work: () => Promise<void>): Promise<void> {
    this.resumingFlag = true;
    this.changed();
    try {
      await work();
    } finally {
      this.resumingFlag = false;
      this.changed();
    }
  }

  /** What status() is made of (mt5-status.ts), minus what the terminal control adds (session id). */
  facts(): Omit<Mt5LinkFacts, 'sessionId'> {
    const session = this.session?.isOpen ? this.session : undefined;
    return {
      now: this.options.now(),
      listening: this.server.listening,
      port: this.server.port,
      configuredPort: this.configuredPort,
      host: this.options.host ?? '127.0.0.1',
      tokenFile: this.options.token.file,
      listenError: this.listenError,
      hello: session?.hello,
      synchronized: this.synchronizedFlag,
      terminalConnected: this.terminalConnected,
      tradeAllowed: this.tradeAllowedFlag,
      everConnected: this.everConnected,
      lastHeartbeatAt: this.lastHeartbeatAt,
      connectedSince: this.connectedSince,
      lastDisconnect: this.lastDisconnect,
      lastDenied: this.lastDenied,
      account: this.book.account ?? null,
      openPositions: this.book.positions.size,
      counters: {
        connections: this.connections,
        resyncs: this.gate.resyncs,
        duplicatesIgnored: this.gate.duplicates,
        reordered: this.gate.reordered,
        denied: this.denied,
      },
    };
  }

  private changed(): void {
    this.handlers?.onChange();
  }

  private onSession(session: BridgeSession): void {
    const previous = this.session;
    if (previous?.isOpen) previous.close('replaced by a new connection from the terminal', { deliberate: true });
    this.session = session;
    this.connections++;
    this.everConnected = true;
    this.synchronizedFlag = false;
    this.resumingFlag = false;
    this.gate.reset();
    this.connectedSince = this.options.now();
    this.lastHeartbeatAt = this.options.now();
    this.terminalConnected = session.hello.terminal.connected;
    this.tradeAllowedFlag = session.hello.terminal.trade_allowed;
    this.handlers?.onSession();
    const account = session.hello.account;
    this.options.log('info', 'mt5 terminal connected', { ea: session.hello.ea_version, build: session.hello.terminal.build, login: account?.login, server: account?.server });
    session.attach({
      onSequenced: (message) => {
        if (this.session === session) this.gate.push(message);
      },
      onHeartbeat: (message) => {
        if (this.session === session) this.onHeartbeat(message);
      },
      onClose: (reason, deliberate) => this.onSessionClosed(session, reason, deliberate),
    });
    this.armSnapshotTimer(session);
    this.changed();
  }

  private armSnapshotTimer(session: BridgeSession): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      if (this.session === session && session.isOpen && !this.synchronizedFlag) void this.requestResync('no snapshot after the welcome');
    }, this.options.snapshotTimeoutMs ?? 5_000);
    this.snapshotTimer.unref();
  }

  private onSessionClosed(session: BridgeSession, reason: string, deliberate: boolean): void {
    if (this.session !== session) return;
    clearTimeout(this.snapshotTimer);
    this.session = undefined;
    this.synchronizedFlag = false;
    this.resumingFlag = false;
    this.gate.reset();
    this.lastDisconnect = { at: this.options.now(), reason };
    this.options.log(deliberate ? 'info' : 'warn', 'mt5 terminal link down', { reason });
    this.changed();
  }

  private onHeartbeat(message: HeartbeatMessage): void {
    this.lastHeartbeatAt = this.options.now();
    const changed = this.terminalConnected !== message.terminal_connected || this.tradeAllowedFlag !== message.trade_allowed;
    this.terminalConnected = message.terminal_connected;
    this.tradeAllowedFlag = message.trade_allowed;
    if (changed) this.changed();
  }

  private applySequenced(message: SequencedMessage): void {
    if (message.type === 'snapshot') {
      clearTimeout(this.snapshotTimer);
      const { vanished, appeared } = this.book.replace(message, this.options.now());
      const first = !this.synchronizedFlag;
      this.synchronizedFlag = true;
      this.handlers?.onSnapshot({ vanished, appeared, first });
      this.changed();
      return;
    }
    const closed = message.type === 'position_closed' ? this.book.positions.get(message.ticket) : undefined;
    this.book.apply(message, this.options.now());
    this.handlers?.onUpdate(message, closed);
  }
}
