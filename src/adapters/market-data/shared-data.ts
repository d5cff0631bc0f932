import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real sample candles used by tests and benchmarks: `<repo>/../shared/data` (see its README), or ECHO_SHARED_DATA.
 * Read in place, never copied into the repository.
 */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ECHO_SHARED_DATA) return resolve(env.ECHO_SHARED_DATA);
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  return join(repo, '..', 'shared', 'data');
}

export const sharedDataFile = (name: string, env?: NodeJS.ProcessEnv) => join(sharedDataDir(env), name);
