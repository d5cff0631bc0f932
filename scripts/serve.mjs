#!/usr/bin/env node
// `npm run serve -- [--port 8000] [--data-dir DIR]`: headless mode — engine, local API and the browser UI.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNativeModulesForNode } from './lib/native.mjs';
import { ensureUiBuilt } from './lib/ui-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

try {
  ensureNativeModulesForNode(root);
  ensureUiBuilt(root);
} catch (error) {
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
}

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'server', 'headless.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
