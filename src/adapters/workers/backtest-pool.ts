import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestExecutor, BacktestJob, JobHandle, JobOutcome } from '../../core/ports/backtest-executor';
import { CONTROL_CANCEL, CONTROL_DONE, CONTROL_SLOTS, type PoolRequest, type PoolResponse } from './protocol';

/**
 * The backtest worker pool (node:worker_threads): CPU-heavy runs stay off the thread that serves the UI and the API.
 *
 * - `size` threads, started on first use, reused for every job (one job per thread at a time), unref'd so they
 *   never keep the process alive; a thread that dies is replaced and its job fails with the reason.
 * - Jobs wait in a FIFO queue until a thread is free. Candle columns in the job are SharedArrayBuffer views:
 *   postMessage shares that memory with the worker, it does not copy it (only the small job description is cloned).
 * - Each job has a 16-byte shared control block: the pool sets "cancel", the worker writes its progress (bars
 *   done) there and polls "cancel" every 65,536 bars, so cancelling and progress cost no messages.
 *
 * Threads run the module the composition root names (src/server/workers/backtest-worker.ts through tsx when running
 * from source, the bundled backtest-worker.js in a build: server/workers/worker-entry.ts): the worker runs core
 * compute, which this adapter may not import.
 */

/** What a named worker task (runTask) ends with; `value` is undefined when it was cancelled before it ran. */
export interface TaskOutcome<T> {
  value: T;
  cancelled: boolean;
}

export interface TaskHandle<T> {
  readonly done: Promise<TaskOutcome<T>>;
  /** Cooperative: the task polls the cancel flag of its control block. */
  cancel(): void;
  /** What the task wrote to the progress slot of its control block (its own unit). */
  progress(): number;
}

export interface PoolOptions {
  size?: number;
  /** The worker module: a .js file, or a .ts source loaded through tsx. */
  entry: URL;
}

interface Task {
  id: number;
  job: BacktestJob;
  /** A named worker task (server/workers/worker-tasks.ts) instead of a backtest job. */
  named?: { kind: string; payload: unknown };
  control: Int32Array;
  onStart: () => void;
  resolve: (outcome: JobOutcome | TaskOutcome<unknown>) => void;
  reject: (error: Error) => void;
  started: boolean;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | undefined;
}

/** Default size: the cores less one for the API thread, at least 1 and at most 8 (ECHO_BACKTEST_WORKERS overrides). */
export function defaultPoolSize(): number {
  const fromEnv = Number(process.env.ECHO_BACKTEST_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}

const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api')
  .then(({ register }) => { register(); return import(workerData.entry); })
  .catch((error) => { console.error(error); process.exit(1); });
`;

export class BacktestWorkerPool implements BacktestExecutor {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly entry: { url: URL; typescript: boolean };
  private nextId = 1;
  private closed = false;

  constructor(options: PoolOptions) {
    this.size = Math.max(1, options.size ?? defaultPoolSize());
    this.entry = { url: options.entry, typescript: options.entry.pathname.endsWith('.ts') };
  }

  run(job: BacktestJob, onStart: () => void): JobHandle {
    if (this.closed) throw new Error('the backtest pool is closed');
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
    let task!: Task;
    const done = new Promise<JobOutcome>((resolve, reject) => {
      task = { id: this.nextId++, job, control, onStart, resolve: (outcome) => resolve(outcome as JobOutcome), reject, started: false };
    });
    this.queue.push(task);
    this.pump();
    return {
      done,
      cancel: () => {
        Atomics.store(control, CONTROL_CANCEL, 1);
        const queued = this.queue.indexOf(task);
        if (queued !== -1) {
          this.queue.splice(queued, 1);
          task.resolve({ resultsJson: '', summaryJson: '', cancelled: true });
        }
      },
      barsDone: () => Atomics.load(control, CONTROL_DONE),
    };
  }

  /**
   * Runs a named worker task (see server/workers/worker-tasks.ts: research jobs' backtest batches and Monte Carlo) on the same threads
   * and queue as backtests, with the same control block for cancel and progress. The payload is cloned to the thread
   * (SharedArrayBuffer-backed arrays in it are shared, not copied).
   */
  runTask<T>(kind: string, payload: unknown): TaskHandle<T> {
    if (this.closed) throw new Error('the backtest pool is closed');
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
    let task!: Task;
    const done = new Promise<TaskOutcome<T>>((resolve, reject) => {
      const settle = (outcome: JobOutcome | TaskOutcome<unknown>) =>
        resolve('value' in outcome ? (outcome as TaskOutcome<T>) : { value: undefined as T, cancelled: true });
      task = { id: this.nextId++, job: undefined as unknown as BacktestJob, named: { kind, payload }, control, onStart: () => {}, resolve: settle, reject, started: false };
    });
    this.queue.push(task);
    this.pump();
    return {
      done,
      cancel: () => {
        Atomics.store(control, CONTROL_CANCEL, 1);
        const queued = this.queue.indexOf(task);
        if (queued !== -1) {
          this.queue.splice(queued, 1);
          task.resolve({ value: undefined, cancelled: true });
        }
      },
      progress: () => Atomics.load(control, CONTROL_DONE),
    };
  }

  /** Jobs waiting for a free thread. */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.resolve({ resultsJson: '', summaryJson: '', cancelled: true });
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      if (slot.task) Atomics.store(slot.task.control, CONTROL_CANCEL, 1);
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) slot.task?.reject(new Error('the backtest pool was closed'));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.ready && s.task === undefined);
      if (!slot) {
        if (this.slots.length < this.size) this.spawn();
        return;
      }
      const task = this.queue.shift() as Task;
      slot.task = task;
      const request: PoolRequest = task.named
        ? { type: 'task', id: task.id, kind: task.named.kind, payload: task.named.payload, control: task.control }
        : { type: 'run', id: task.id, job: task.job, control: task.control };
      slot.worker.postMessage(request);
    }
  }

  private spawn(): void {
    const { url, typescript } = this.entry;
    const worker = typescript ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { entry: url.href } }) : new Worker(url);
    worker.unref();
    const slot: Slot = { worker, ready: false, task: undefined };
    this.slots.push(slot);
    worker.on('message', (message: PoolResponse) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onExit(slot, error));
    worker.on('exit', (code) => this.onExit(slot, new Error(`the backtest worker stopped (exit code ${code})`)));
  }

  private onMessage(slot: Slot, message: PoolResponse): void {
    if (message.type === 'ready') {
      slot.ready = true;
      this.pump();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== message.id) return;
    if (message.type === 'started') {
      task.started = true;
      try {
        task.onStart();
      } catch {
        /* a listener's problem is not the job's */
      }
      return;
    }
    slot.task = undefined;
    if (message.type === 'done') task.resolve({ resultsJson: message.resultsJson, summaryJson: message.summaryJson, cancelled: message.cancelled });
    else if (message.type === 'result') task.resolve({ value: message.value, cancelled: message.cancelled });
    else task.reject(new Error(message.message));
    this.pump();
  }

  private onExit(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    slot.task?.reject(error);
    slot.task = undefined;
    if (!this.closed) this.pump();
  }
}
