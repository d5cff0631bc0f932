// better-sqlite3 is a native module: built for Node's ABI by `npm install`, rebuilt for Electron's ABI by the
// Electron launcher. Whichever runs next makes sure the build matches it.
import { spawnSync } from 'node:child_process';

export function nativeModulesLoadInNode(cwd = process.cwd()) {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd,
    encoding: 'utf8',
  });
  return { ok: probe.status === 0, error: probe.stderr.trim().split('\n').find((l) => l.includes('Error')) ?? probe.stderr.trim() };
}

export function ensureNativeModulesForNode(cwd = process.cwd()) {
  const probe = nativeModulesLoadInNode(cwd);
  if (probe.ok) return;
  console.log(`better-sqlite3 does not load in this Node (${probe.error}); rebuilding it for Node ${process.version}…`);
  const rebuild = spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (rebuild.status !== 0 || !nativeModulesLoadInNode(cwd).ok) {
    throw new Error('better-sqlite3 could not be rebuilt for Node; run `npm rebuild better-sqlite3` and read its output');
  }
}
