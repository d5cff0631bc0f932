#!/usr/bin/env node
// `npm test`: everything that proves it works, on a fresh machine — system deps, types, layering, UI build, all tests.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNativeModulesForNode } from './lib/native.mjs';
import { ensureUiBuilt } from './lib/ui-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);

function step(title, command, args, env = process.env) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', env });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

if (process.platform === 'linux') step('System packages (Chromium, keychain, promtool)', 'bash', ['scripts/ensure-system-deps.sh']);
ensureNativeModulesForNode(root);
// Node code (shared, core, adapters, server, main, preload, tests, benches) without the DOM; the UI with the DOM and
// without Node; browser tests, whose page callbacks run in the page, with both.
step('Type check (Node: no DOM)', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']);
step('Type check (web: renderer + shared, no Node)', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']);
step('Type check (browser tests)', 'npx', ['tsc', '-p', 'tsconfig.e2e.json', '--noEmit']);
step('Layer rules', 'npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs']);
console.log('\n▶ UI build');
ensureUiBuilt(root, { force: process.env.CI === 'true' });
step('Tests', 'npx', ['vitest', 'run', ...extraArgs]);
keychainTests();

/**
 * The credential tests against a real OS keychain (npm run test:keychain). On Linux: gnome-keyring's Secret Service in
 * a private D-Bus session with a fresh HOME, so neither a desktop keyring nor its secrets are touched; missing tools
 * fail the run with what to install. Elsewhere: the OS keychain itself (under a test service name).
 */
function keychainTests() {
  const keytar = spawnSync(process.execPath, ['-e', "require('@github/keytar')"], { cwd: root });
  if (keytar.status !== 0) step('Keychain module for Node (@github/keytar)', 'npm', ['rebuild', '@github/keytar']);
  if (process.platform !== 'linux') {
    step('Keychain tests (OS keychain)', 'npm', ['run', 'test:keychain']);
    return;
  }
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length) {
    console.error(
      `\n✖ Keychain tests need ${missing.join(' and ')} (a real Secret Service to test against). ` +
        'Install them (Debian/Ubuntu: sudo apt-get install dbus gnome-keyring libsecret-1-dev; scripts/ensure-system-deps.sh does it) and run npm test again.',
    );
    process.exit(1);
  }
  const home = mkdtempSync(join(tmpdir(), 'echo-keychain-home-'));
  const runtime = join(home, 'run');
  mkdirSync(runtime);
  chmodSync(runtime, 0o700);
  const env = {
    ...process.env,
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    npm_config_update_notifier: 'false',
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.GNOME_KEYRING_CONTROL;
  const title = 'Keychain tests (gnome-keyring in a private D-Bus session, fresh HOME)';
  console.log(`\n▶ ${title}`);
  const script =
    "printf %s echo-keychain-test | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null " +
    "|| { echo 'gnome-keyring-daemon did not start' >&2; exit 1; }; exec npm run test:keychain";
  const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], { cwd: root, stdio: 'inherit', env });
  rmSync(home, { recursive: true, force: true });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}
