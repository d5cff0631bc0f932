import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The module a backtest pool thread runs: the bundled backtest-worker.js next to the bundle in a build (this file is
 * bundled into out/main/index.js, the worker into out/main/backtest-worker.js), else the .ts source beside this
 * file, which the pool loads through tsx.
 */
export function backtestWorkerEntry(): URL {
  const bundled = new URL('./backtest-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  return new URL('./backtest-worker.ts', import.meta.url);
}
