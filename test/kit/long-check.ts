import { existsSync, readdirSync } from 'node:fs';
import { describe } from 'vitest';
import { candleFileProblem, sharedDataDirectory } from './candles';

/**
 * Why the long real-data checks on these whole shared files cannot run (the shared data folder or a file in it is
 * absent), or undefined when they can.
 */
export function missingSharedData(...names: string[]): string | undefined {
  const folder = sharedDataDirectory();
  if (!existsSync(folder)) return `skipped: the shared data folder ${folder} (../shared/data, or ECHO_SHARED_DATA) is absent`;
  if (names.length === 0 && !readdirSync(folder).some((f) => f.endsWith('.csv'))) return `skipped: the shared data folder ${folder} holds no .csv files`;
  const missing = names.filter((name) => candleFileProblem(name) !== undefined);
  if (missing.length === 0) return undefined;
  return `skipped: ${missing.join(', ')} not found in the shared data folder ${folder}`;
}

/**
 * A long real-data check over whole files of the shared data folder (no names: any .csv in it): runs when they are
 * there; otherwise skipped, the title saying which folder or files were missing. The default suite covers the same
 * behaviour on the fixtures (test/fixtures/candles).
 */
export function describeWithSharedData(title: string, names: string[], body: () => void): void {
  const missing = missingSharedData(...names);
  describe.skipIf(missing !== undefined)(missing ? `${title} (${missing})` : title, body);
}
