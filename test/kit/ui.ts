import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureUiBuilt } from '../../scripts/lib/ui-build.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built browser UI for the browser tests: built (or rebuilt when its sources are newer) by npm test's own rule. */
export function builtUiDir(): string {
  ensureUiBuilt(repoRoot);
  return join(repoRoot, 'out', 'renderer');
}
