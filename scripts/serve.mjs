#!/usr/bin/env node
// `npm run serve -- [--port 8000] [--data-dir DIR]`: headless mode — engine, local API and the browser UI —
// in this one process, so signals (Ctrl+C, a kill) reach the server itself.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
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

register();
const headless = await import(pathToFileURL(join(root, 'src', 'server', 'headless.ts')).href);
headless.runMain();
