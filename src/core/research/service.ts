import { DomainError, isDomainError } from '../../shared/contract/errors';
import type { Clock } from '../ports/clock';
import type { DomainEventPublisher, LivePulsePublisher } from '../ports/domain-events';
import { progressPulses } from '../events/progress-pulses';
import type { NewResearchRecord, ResearchKind, ResearchRecord, ResearchRepository, ResearchStatus } from '../ports/research-repository';
import { CancelledError } from './runner';

/**
 * The life cycle of research jobs: PENDING (queued) → RUNNING (`progress` 0–100, live) → COMPLETED (`results`) or
 * FAILED (`error`). A cancelled job is FAILED with error "Cancelled by the user" (as backtests are). At most
 * `maxActive` jobs run at once (each spreads its own tasks over the whole worker pool); the others wait in order.
 * Jobs a previous run of the app left unfinished are FAILED at start-up ("Interrupted: the app stopped while it ran").
 */

export const CANCELLED_MESSAGE = 'Cancelled by the user';
export const INTERRUPTED_MESSAGE = 'Interrupted: the app stopped while it ran; submit it again';

export interface JobContext {
  signal: AbortSignal;
  /** 0–100. */
  setProgress(percent: number): void;
}

/** The job's work; resolves with the results document (JSON), rejects to fail (CancelledError when cancelled). */
export type JobWork = (context: JobContext) => Promise<unknown>;

export interface ResearchServiceOptions {
  repo: ResearchRepository;
  clock: Clock;
  maxActive?: number;
  /** Most jobs pending or running at once; beyond it a submit is refused (RATE_LIMITED). */
  maxQueued?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: unknown) => void;
  /** Told when a job ends (completed or failed): ResearchJobFinished. */
  events?: DomainEventPublisher;
  /** Running jobs' progress, pushed to every window (see progressPulses). */
  pulses?: LivePulsePublisher;
}

interface Active {
  id: number;
  kind: ResearchKind;
  controller: AbortController;
  progress: number;
}

interface Queued {
  id: number;
  kind: ResearchKind;
  work: JobWork;
}

export class ResearchService {
  private readonly queue: Queued[] = [];
  private readonly active = new Map<number, Active>();
  private readonly maxActive: number;
  private readonly maxQueued: number;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly progressPulses;

  constructor(private readonly options: ResearchServiceOptions) {
    this.progressPulses = progressPulses('research', () => [...this.active.values()].map((a) => ({ id: a.id, progress: round1(a.progress) })), options.pulses);
    this.maxActive = options.maxActive ?? 2;
    this.maxQueued = options.maxQueued ?? 20;
    const failed = options.repo.failUnfinished(INTERRUPTED_MESSAGE, this.now());
    if (failed > 0) options.log?.('warn', 'research jobs interrupted by the last stop were marked FAILED', { failed });
  }

  /** ISO 8601 to the second, as the spec writes times ("2024-11-06T10:30:00Z"). */
  private now(): string {
    return this.options.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Stores the job (PENDING) and queues its work; answers at once. */
  submit(record: Omit<NewResearchRecord, 'createdAt'>, work: JobWork): ResearchRecord {
    const waiting = this.queue.length + this.active.size;
    if (waiting >= this.maxQueued) {
      throw new DomainError(
        'RATE_LIMITED',
        `${waiting} research jobs are already queued or running (at most ${this.maxQueued}): wait for some to finish or cancel one`,
        [
          { path: 'running', message: String(this.active.size) },
          { path: 'max_concurrent', message: String(this.maxActive) },
        ],
      );
    }
    const created = this.options.repo.create({ ...record, createdAt: this.now() });
    this.queue.push({ id: created.id, kind: created.kind, work });
    queueMicrotask(() => this.pump());
    return created;
  }

  /** The stored job with its live progress. */
  get(kind: ResearchKind, id: number): ResearchRecord | undefined {
    const record = this.options.repo.get(kind, id);
    if (!record) return undefined;
    const active = this.active.get(id);
    return active ? { ...record, progress: round1(active.progress) } : record;
  }

  list(kind: ResearchKind, options: { status?: ResearchStatus | undefined; limit: number; offset: number }): { count: number; rows: ResearchRecord[] } {
    const page = this.options.repo.list(kind, options);
    return { count: page.count, rows: page.rows.map((r) => this.get(kind, r.id) ?? r) };
  }

  /** Cancels a pending or running job (FAILED, "Cancelled by the user"); a finished one is returned unchanged. */
  cancel(kind: ResearchKind, id: number): ResearchRecord | undefined {
    const record = this.options.repo.get(kind, id);
    if (!record) return undefined;
    if (record.status !== 'PENDING' && record.status !== 'RUNNING') return record;
    const queued = this.queue.findIndex((q) => q.id === id);
    if (queued >= 0) this.queue.splice(queued, 1);
    const active = this.active.get(id);
    if (active) {
      this.active.delete(id);
      active.controller.abort();
    }
    this.options.repo.finish(id, { status: 'FAILED', progress: round1(active?.progress ?? record.progress), results: null, error: CANCELLED_MESSAGE, completedAt: this.now() });
    this.settled();
    return this.options.repo.get(kind, id);
  }

  /** Cancels if needed, then deletes; false when there is no such job. */
  remove(kind: ResearchKind, id: number): boolean {
    if (!this.options.repo.get(kind, id)) return false;
    this.cancel(kind, id);
    return this.options.repo.delete(kind, id);
  }

  /** Jobs waiting or running. */
  get pending(): number {
    return this.queue.length + this.active.size;
  }

  /** Resolves when no job is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels everything (app shutdown): running jobs are FAILED as interrupted. */
  shutdown(): void {
    for (const q of this.queue.splice(0)) this.options.repo.finish(q.id, { status: 'FAILED', progress: 0, results: null, error: INTERRUPTED_MESSAGE, completedAt: this.now() });
    for (const a of [...this.active.values()]) {
      this.active.delete(a.id);
      a.controller.abort();
      this.options.repo.finish(a.id, { status: 'FAILED', progress: round1(a.progress), results: null, error: INTERRUPTED_MESSAGE, completedAt: this.now() });
    }
    this.settled();
  }

  private pump(): void {
    while (this.active.size < this.maxActive && this.queue.length > 0) {
      const next = this.queue.shift() as Queued;
      const active: Active = { id: next.id, kind: next.kind, controller: new AbortController(), progress: 0 };
      this.active.set(next.id, active);
      this.progressPulses.ensure();
      this.options.repo.markRunning(next.id, this.now());
      void this.run(active, next.work);
    }
  }

  private async run(active: Active, work: JobWork): Promise<void> {
    const isCurrent = () => this.active.get(active.id) === active;
    let results: unknown;
    let error: string | null = null;
    try {
      results = await work({
        signal: active.controller.signal,
        setProgress: (percent) => {
          active.progress = Math.max(active.progress, Math.min(100, percent));
        },
      });
    } catch (failure) {
      if (failure instanceof CancelledError || active.controller.signal.aborted) error = CANCELLED_MESSAGE;
      else if (isDomainError(failure) || failure instanceof RangeError) error = failure.message;
      else {
        this.options.log?.('error', 'research job failed unexpectedly', { id: active.id, kind: active.kind, error: failure instanceof Error ? failure.stack : String(failure) });
        error = `Internal error: ${failure instanceof Error ? failure.message : String(failure)}`;
      }
      // Stop whatever part of the job is still running in the pool.
      active.controller.abort();
    }
    if (!isCurrent()) return; // cancelled (and recorded) meanwhile
    this.active.delete(active.id);
    this.options.repo.finish(active.id, {
      status: error === null ? 'COMPLETED' : 'FAILED',
      progress: error === null ? 100 : round1(active.progress),
      results: error === null ? results : null,
      error,
      completedAt: this.now(),
    });
    this.options.events?.publish([{
      type: 'ResearchJobFinished', severity: error === null ? 'info' : 'warning', taskId: null, code: error === null ? 'COMPLETED' : 'FAILED',
      message: `${active.kind} job ${active.id} ${error === null ? 'completed' : `failed: ${error}`}`,
      data: { jobId: String(active.id), kind: active.kind, status: error === null ? 'COMPLETED' : 'FAILED' },
    }]);
    this.settled();
  }

  private settled(): void {
    this.pump();
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
