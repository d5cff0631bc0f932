/** Messages between the backtest pool and its worker threads, and the layout of the shared control block. */

/** Int32 slots of a job's control block (a SharedArrayBuffer both threads see). */
export const CONTROL_CANCEL = 0;
export const CONTROL_STARTED = 1;
export const CONTROL_DONE = 2;
export const CONTROL_SLOTS = 4;

/** Progress of a Monte Carlo task in CONTROL_DONE: paths done per million (an Int32 holds it exactly). */
export const MONTE_CARLO_PROGRESS_SCALE = 1_000_000;

export type PoolRequest =
  | { type: 'run'; id: number; job: unknown; control: Int32Array }
  /** Other CPU-heavy work (research jobs): `kind` names a function of server/workers/worker-tasks.ts, `payload` is its input. */
  | { type: 'task'; id: number; kind: string; payload: unknown; control: Int32Array };

export type PoolResponse =
  | { type: 'ready' }
  | { type: 'started'; id: number }
  | { type: 'done'; id: number; resultsJson: string; summaryJson: string; cancelled: boolean }
  | { type: 'result'; id: number; value: unknown; cancelled: boolean }
  | { type: 'error'; id: number; message: string };
