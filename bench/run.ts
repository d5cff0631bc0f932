import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { candleFileProblem } from '../test/kit/candles';

/**
 * `npm run bench [-- name-filter]`: runs every bench/*.bench.ts in this one process and prints each figure
 * as one JSON line {"bench", "value", "unit", "ratio": {reference: r}} so runs can be compared.
 * A bench module's default export receives `report` and measures its subject side by side with a reference.
 */

export interface Figure {
  bench: string;
  value: number;
  unit: string;
  ratio?: Record<string, number>;
  [extra: string]: unknown;
}

export type Bench = (report: (figure: Figure) => void) => Promise<void> | void;

// The benchmarks measure on whole files of the shared data folder (../shared/data), not on the test fixtures.
const missing = candleFileProblem('XAUUSD_M1_2024-08_2024-10.csv');
if (missing) {
  console.error(`npm run bench needs the shared data folder beside the repository. ${missing}`);
  process.exit(1);
}

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

for (const file of files) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  await module.default((figure) => console.log(JSON.stringify(figure)));
}
