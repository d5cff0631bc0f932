import { parentPort } from 'node:worker_threads';
import { CONTROL_CANCEL, CONTROL_DONE, CONTROL_STARTED, type PoolRequest, type PoolResponse } from '../../adapters/workers/protocol';
import { runJobToJson } from '../../core/backtest/inline-executor';
import type { BacktestJob } from '../../core/ports/backtest-executor';
import { WORKER_TASKS } from './worker-tasks';

/**
 * The entry point of a backtest worker thread (the pool in adapters/workers starts it). Like headless.ts it is a
 * composition root, so it lives in server/: it is what runs the core's compute (core/backtest, core/research) on
 * the thread, which an adapter may not import (adapters see only core/ports and core/domain).
 *
 * A backtest worker thread: runs jobs one at a time. Candle columns arrive as views on SharedArrayBuffers (the
 * same memory as the API thread's cache, not a copy); cancel and progress go through a small shared Int32Array
 * that both threads read and write with Atomics, so neither needs a message for them.
 */
const port = parentPort;
// Imported outside a worker thread (a tool that loads every module), it does nothing.
if (port) {
  port.on('message', (request: PoolRequest) => {
    const control = request.control;
    Atomics.store(control, CONTROL_STARTED, 1);
    port.postMessage({ type: 'started', id: request.id } satisfies PoolResponse);
    try {
      // Named tasks (research: optimization batches, Monte Carlo) — without this branch they never answer.
      if (request.type === 'task') {
        const task = WORKER_TASKS[request.kind];
        if (!task) throw new Error(`unknown worker task "${request.kind}"`);
        const { value, cancelled } = task(request.payload, control);
        port.postMessage({ type: 'result', id: request.id, value, cancelled } satisfies PoolResponse);
        return;
      }
      const outcome = runJobToJson(request.job as BacktestJob, {
        shouldStop: () => Atomics.load(control, CONTROL_CANCEL) !== 0,
        progress: (bars) => Atomics.store(control, CONTROL_DONE, bars),
      });
      port.postMessage({ type: 'done', id: request.id, ...outcome } satisfies PoolResponse);
    } catch (error) {
      port.postMessage({ type: 'error', id: request.id, message: (error as Error)?.message ?? String(error) } satisfies PoolResponse);
    }
  });
  port.postMessage({ type: 'ready' } satisfies PoolResponse);
}
