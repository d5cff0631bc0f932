/**
 * Puts the EA's sequenced messages back in order (PROTOCOL.md §5): duplicates are dropped, early ones wait for the
 * missing ones, and a gap that does not close in time asks for a fresh snapshot. A snapshot resets the state, so
 * everything at or below its seq is obsolete.
 */
export interface Sequenced {
  type: string;
  seq: number;
}

export interface SeqGateOptions {
  /** How long a gap may stay open before a resync is requested. */
  gapTimeoutMs?: number;
  /** How many early messages may wait before a resync is requested. */
  maxBuffered?: number;
}

export class SeqGate<T extends Sequenced> {
  private last = 0;
  private readonly buffer = new Map<number, T>();
  private gapTimer: NodeJS.Timeout | undefined;
  private resyncRequested = false;
  duplicates = 0;
  reordered = 0;
  resyncs = 0;
  private readonly gapTimeoutMs: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly apply: (message: T) => void,
    private readonly requestResync: (why: string) => void,
    options: SeqGateOptions = {},
  ) {
    this.gapTimeoutMs = options.gapTimeoutMs ?? 500;
    this.maxBuffered = options.maxBuffered ?? 256;
  }

  /** The last applied seq (0: no snapshot on this link yet). */
  get lastApplied(): number {
    return this.last;
  }

  get synchronized(): boolean {
    return this.last > 0;
  }

  /** A new link: its seq starts over. */
  reset(): void {
    this.last = 0;
    this.buffer.clear();
    this.resyncRequested = false;
    this.clearGapTimer();
  }

  push(message: T): void {
    if (message.seq <= this.last || this.buffer.get(message.seq)?.type === message.type) {
      this.duplicates++;
      return;
    }
    if (message.type === 'snapshot') {
      this.last = message.seq;
      this.resyncRequested = false;
      for (const seq of this.buffer.keys()) if (seq <= this.last) this.buffer.delete(seq);
      this.apply(message);
      this.drain();
      return;
    }
    if (this.last > 0 && message.seq === this.last + 1) {
      this.last = message.seq;
      this.apply(message);
      this.drain();
      return;
    }
    // Early (or before the link's first snapshot): wait for what is missing.
    this.buffer.set(message.seq, message);
    if (this.last > 0) this.reordered++;
    if (this.buffer.size > this.maxBuffered) this.resync(`${this.buffer.size} messages wait for seq ${this.last + 1}`);
    else if (this.last > 0) this.armGapTimer();
  }

  dispose(): void {
    this.clearGapTimer();
    this.buffer.clear();
  }

  private drain(): void {
    for (;;) {
      const next = this.buffer.get(this.last + 1);
      if (!next) break;
      this.buffer.delete(this.last + 1);
      this.last = next.seq;
      this.apply(next);
    }
    if (this.buffer.size === 0) this.clearGapTimer();
  }

  private armGapTimer(): void {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.buffer.size > 0) this.resync(`seq ${this.last + 1} missing for ${this.gapTimeoutMs} ms`);
    }, this.gapTimeoutMs);
    this.gapTimer.unref();
  }

  private clearGapTimer(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  private resync(why: string): void {
    this.clearGapTimer();
    if (this.resyncRequested) return;
    this.resyncRequested = true;
    this.resyncs++;
    this.requestResync(why);
  }

  /** The resync request failed (no answer): allow another one. */
  resyncFailed(): void {
    this.resyncRequested = false;
    if (this.buffer.size > 0) this.armGapTimer();
  }
}
