#!/usr/bin/env node
// `npm test`: everything that proves it works, on a fresh machine — system deps, types, layering, UI build, all tests.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNativeModulesForNode } from './lib/native.mjs';
import { ensureUiBuilt } from './lib/ui-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

if (process.platform === 'linux') step('System packages (Chromium, keychain)', 'bash', ['scripts/ensure-system-deps.sh']);
ensureNativeModulesForNode(root);
step('Type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('Layer rules', 'npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs']);
console.log('\n▶ UI build');
ensureUiBuilt(root, { force: process.env.CI === 'true' });
step('Tests', 'npx', ['vitest', 'run', ...extraArgs]);
