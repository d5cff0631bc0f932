// Builds the browser UI (out/renderer) when it is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function uiIsStale(root) {
  const index = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(index)) return true;
  const sources = ['src/renderer', 'src/shared', 'vite.renderer.config.ts'].map((p) => newestMtime(join(root, p)));
  return Math.max(...sources) > statSync(index).mtimeMs;
}

export function ensureUiBuilt(root, { force = false } = {}) {
  if (!force && !uiIsStale(root)) return;
  console.log('Building the UI (out/renderer)…');
  const build = spawnSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'error'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) throw new Error('The UI build failed (see above)');
}
