import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

function modulesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return modulesUnder(path);
    return /\.tsx?$/.test(entry) && !/\.test\.tsx?$|\.d\.ts$/.test(entry) ? [path] : [];
  });
}

/** Loads every module of a layer in plain Node with `electron` booby-trapped: it must not be reached. */
function loadLayer(layer: string): { status: number | null; output: string; count: number } {
  const files = modulesUnder(join(root, 'src', layer));
  // headless.ts starts a server when run as the main module only; importing it is safe.
  const script = `for (const f of ${JSON.stringify(files)}) await import(f);`;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', join(root, 'test/kit/forbid-electron.mjs'), '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}`, count: files.length };
}

describe('layers that run in plain Node never load electron', () => {
  for (const layer of ['core', 'adapters', 'server']) {
    it(`${layer}/ loads without electron`, () => {
      const result = loadLayer(layer);
      expect(result.count).toBeGreaterThan(0);
      expect(result.output).not.toContain('FORBIDDEN');
      expect(result.status, result.output).toBe(0);
    });
  }

  it('the trap itself works: a module that imports electron is caught', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', join(root, 'test/kit/forbid-electron.mjs'), '--input-type=module', '-e', "await import('electron')"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(run.status).not.toBe(0);
    expect(`${run.stderr}`).toContain('FORBIDDEN');
  });
});
