import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startServeProcess, type ServeProcess } from './serve-process';

/**
 * The crash suites of the real brokers (ccxt exchange emulator, fake MT5 terminal): the app runs in its own process
 * (test/kit/crash-app.mjs) and the test feeds the broker one bar at a time, waiting until the app has processed each
 * bar and every order it sent is settled — so a run is deterministic, and a run with kills can be compared with the
 * same run without them. Kills land inside an order's send window, in turn:
 *
 * - `received`:     the broker holds its answer to the next order; the test kills the app once the broker has it
 *                   (after the journal commit, the order at the broker, before the answer);
 * - `after-answer`: the app kills itself when the broker's answer arrived, before recording it (ECHO_TEST_FAULTS);
 * - `after-journal`: the app kills itself after the journal commit, before sending (the order never leaves; on restart
 *                   it is found missing at the broker and cancelled, never sent late — so the run diverges from there).
 */
export type KillKind = 'received' | 'after-answer' | 'after-journal';

export interface LockstepBroker {
  /** Puts bar `i` of every traded symbol at the broker (it becomes the price orders fill at). */
  putBar(i: number): void;
  /** Orders the broker has received so far. */
  receivedCount(): number;
  /** Makes the broker sit on its answer to the next order it receives. */
  holdNextAnswer(): void;
  /** After every (re)start of the app (the fake MT5 terminal reconnects here). */
  afterStart?(app: ServeProcess): Promise<void>;
  /** Before a kill (the fake terminal drops its link as the process dies). */
  beforeKill?(): void;
}

export interface LockstepOptions {
  dataDir: string;
  /** ECHO_CRASH_APP composition besides the data directory (secrets file, exchange origin). */
  app: Record<string, unknown>;
  broker: LockstepBroker;
  bars: number;
  /** Open time of bar i (every task's last bar must reach it). */
  barTime(i: number): number;
  /** Creates the session and tasks on the first start. */
  setup(app: ServeProcess): Promise<void>;
  /** The kills, in order (none: the baseline run). */
  kills: KillKind[];
  env?: Record<string, string>;
}

export interface LockstepResult {
  kills: Record<KillKind, number>;
  seconds: number;
}

const CRASH_APP = join(__dirname, 'crash-app.mjs');
const faultsOf = (kind: KillKind | undefined) =>
  kind === 'after-answer' ? 'kill-after-answer:1' : kind === 'after-journal' ? 'kill-after-journal:1' : '';

export function startCrashApp(dataDir: string, app: Record<string, unknown>, env: Record<string, string> = {}): Promise<ServeProcess> {
  return startServeProcess({
    dataDir,
    script: CRASH_APP,
    env: { ECHO_LOG_LEVEL: 'warn', ...env, ECHO_CRASH_APP: JSON.stringify({ ...app, dataDir }) },
  });
}

/** True once every task's last bar reached `time` and the journal has no order in flight. */
function settled(dataDir: string, time: number): boolean {
  const db = new Database(join(dataDir, 'echo.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const behind = db.prepare("SELECT count(*) AS n FROM trading_tasks WHERE status IN ('running', 'paused') AND coalesce(last_bar_time, 0) < ?").get(time) as { n: number };
    const open = db.prepare("SELECT count(*) AS n FROM order_journal WHERE status IN ('journaled', 'submitted', 'unknown')").get() as { n: number };
    return behind.n === 0 && open.n === 0;
  } finally {
    db.close();
  }
}

/** Tasks and unsettled orders, for the message of a run that got stuck. */
function stateOf(dataDir: string): string {
  const db = new Database(join(dataDir, 'echo.sqlite'), { readonly: true });
  try {
    return JSON.stringify({
      tasks: db.prepare('SELECT id, status, status_reason, last_bar_time FROM trading_tasks').all(),
      open: db.prepare("SELECT client_order_id, status, error, decided_at FROM order_journal WHERE status IN ('journaled', 'submitted', 'unknown')").all(),
      events: db.prepare('SELECT type, code, message FROM engine_events ORDER BY id DESC LIMIT 8').all(),
    });
  } finally {
    db.close();
  }
}

export async function runLockstep(options: LockstepOptions): Promise<LockstepResult> {
  const started = Date.now();
  const { broker, dataDir } = options;
  const done: Record<KillKind, number> = { received: 0, 'after-answer': 0, 'after-journal': 0 };
  let next = 0;
  let armedAt: number | undefined;
  const restartMs: number[] = [];
  const timeline: string[] = [];
  /** Kills start once every task has processed live bars (a task killed before its first one warms up over it). */
  let armed = false;
  const launch = async (): Promise<ServeProcess> => {
    const kind = armed ? options.kills[next] : undefined;
    const faults = faultsOf(kind);
    const t0 = Date.now();
    let app: ServeProcess;
    try {
      app = await startCrashApp(dataDir, options.app, { ...options.env, ...(faults ? { ECHO_TEST_FAULTS: faults } : {}) });
    } catch (error) {
      // It killed itself while resuming (sending an order of its last bar that had never left): a kill like the others.
      if (!faults || !/exited with null/.test((error as Error).message)) throw error;
      done[kind as KillKind]++;
      timeline.push(`start: ${kind}`);
      next++;
      return launch();
    }
    await broker.afterStart?.(app);
    restartMs.push(Date.now() - t0);
    armedAt = undefined;
    if (kind === 'received') {
      broker.holdNextAnswer();
      armedAt = broker.receivedCount();
    }
    return app;
  };
  let app = await launch();
  await options.setup(app);
  const FIRST_KILL_BAR = 3;
  const died = (p: ServeProcess) => p.child.exitCode !== null || p.child.signalCode !== null;

  try {
    for (let i = 0; i < options.bars; i++) {
      if (i === FIRST_KILL_BAR && options.kills.length > 0) {
        armed = true;
        if (options.kills[0] === 'received') {
          broker.holdNextAnswer();
          armedAt = broker.receivedCount();
        } else {
          // The self-kill faults are read at start: a restart (by kill -9 too: no graceful shutdown in these runs).
          await app.stop('SIGKILL');
          app = await launch();
        }
      }
      broker.putBar(i);
      let deadline = Date.now() + 60_000;
      for (;;) {
        if (died(app)) {
          // It killed itself at a fault point (or crashed: then the restart or the deadline says so).
          if (app.child.signalCode !== 'SIGKILL') throw new Error(`the app exited on its own (${app.child.exitCode}):\n${app.output()}`);
          done[options.kills[next] as KillKind]++;
          timeline.push(`bar ${i}: ${options.kills[next]}`);
          next++;
          broker.beforeKill?.();
          app = await launch();
          deadline = Date.now() + 60_000;
          continue;
        }
        if (armedAt !== undefined && broker.receivedCount() > armedAt) {
          broker.beforeKill?.();
          await app.stop('SIGKILL');
          done.received++;
          timeline.push(`bar ${i}: received`);
          next++;
          app = await launch();
          deadline = Date.now() + 60_000;
          continue;
        }
        if (settled(dataDir, options.barTime(i))) break;
        if (Date.now() > deadline) throw new Error(`bar ${i} was not settled in 60 s: ${stateOf(dataDir)}\nkills: ${timeline.join(', ')}; start times ms: ${restartMs.join(', ')}\n${app.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  } catch (error) {
    await app.stop('SIGKILL');
    throw error;
  }
  broker.beforeKill?.();
  await app.stop('SIGTERM');
  return { kills: done, seconds: (Date.now() - started) / 1000 };
}

/**
 * `total` kills alternating inside the broker's answer window (received, after-answer); with `afterJournal`, the last
 * fifth kill after the journal commit before the send instead.
 */
export function killPlan(total: number, options: { afterJournal?: boolean } = {}): KillKind[] {
  const plan: KillKind[] = [];
  const lastKind = options.afterJournal ? Math.max(2, Math.round(total * 0.2)) : 0;
  for (let k = 0; k < total - lastKind; k++) plan.push(k % 2 === 0 ? 'received' : 'after-answer');
  for (let k = 0; k < lastKind; k++) plan.push('after-journal');
  return plan;
}
