#!/usr/bin/env node
// The app under the crash suites: headless mode (engine + API) in its own process, so a test can kill -9 it. Unlike
// `npm run serve` it does not rebuild the browser UI, and it takes test-only composition from ECHO_CRASH_APP (JSON):
//   { "dataDir": "...", "secretsFile": "...", "exchanges": { "apiOrigin": "http://127.0.0.1:PORT", ... } }
// Exchange credentials go to a file store beside the test's data (never the OS keychain). Prints "running at URL/".
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = JSON.parse(process.env.ECHO_CRASH_APP ?? '{}');
register();
const { startHeadless } = await import(pathToFileURL(join(root, 'src', 'server', 'headless.ts')).href);

/** A SecretStore in a JSON file, so credentials survive the kills. Tests only. */
function fileSecrets(file) {
  const read = () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
  return {
    async set(id, field, value) { writeFileSync(file, JSON.stringify({ ...read(), [`${id}:${field}`]: value })); },
    async get(id, field) { return read()[`${id}:${field}`]; },
    async delete(id, field) { const all = read(); const had = `${id}:${field}` in all; delete all[`${id}:${field}`]; writeFileSync(file, JSON.stringify(all)); return had; },
    async status() { return { available: true, detail: 'crash-test file store' }; },
  };
}

const context = {
  ...(config.secretsFile ? { secrets: fileSecrets(config.secretsFile) } : {}),
  ...(config.exchanges ? { exchanges: config.exchanges } : {}),
};
try {
  const instance = await startHeadless({ port: 0, dataDir: config.dataDir, context });
  console.log(`crash app running at ${instance.url}/`);
  process.on('SIGTERM', () => void instance.close().then(() => process.exit(0)));
} catch (error) {
  console.error(`crash app could not start: ${error.stack ?? error}`);
  process.exitCode = 1;
}
