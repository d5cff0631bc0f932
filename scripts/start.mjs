#!/usr/bin/env node
// `npm start -- [--port N] [--data-dir DIR] [--headless]`: the Electron desktop app where Electron can run;
// elsewhere (a server, a CI box, no display) one line says so and headless mode starts instead (scripts/serve.mjs).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  detectElectron,
  electronLaunchEnv,
  electronPackageDir,
  headlessNotice,
  NATIVE_PROBE,
  packageBin,
  runCaptured,
  splitStartArgs,
} from './start-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { headless, forwarded } = splitStartArgs(process.argv.slice(2), process.env);

/** Runs a child in the foreground, passing Ctrl+C / SIGTERM on; resolves with its exit code. */
function runInherited(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const finish = (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('error', (error) => {
      console.error(`Could not run ${command}: ${error.message}`);
      finish(1);
    });
    child.on('exit', (code, signal) => finish(code ?? (signal ? 1 : 0)));
  });
}

function runHeadless() {
  return runInherited(process.execPath, [join(root, 'scripts', 'serve.mjs'), ...forwarded]);
}

/** better-sqlite3 is built for Node by npm install; Electron has another ABI. Rebuild only when the probe fails. */
async function nativeModulesReadyFor(binary) {
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  const probe = () => runCaptured(binary, ['-e', NATIVE_PROBE], { env, cwd: root, timeoutMs: 60_000 });
  if ((await probe()).status === 0) return true;
  console.log('Rebuilding native modules (better-sqlite3) for Electron…');
  const rebuilt = await runInherited(process.execPath, [packageBin(root, 'electron-builder', 'install-app-deps')]);
  return rebuilt === 0 && (await probe()).status === 0;
}

async function main() {
  if (headless) return runHeadless();

  const detection = await detectElectron({
    electronDir: electronPackageDir(root),
    env: process.env,
    platform: process.platform,
    uid: process.getuid?.(),
    run: runCaptured,
    downloadTimeoutMs: Number(process.env.ECHO_ELECTRON_DOWNLOAD_TIMEOUT_MS) || undefined,
    onDownloadSlow: () => console.log('Downloading the Electron runtime (first start only)…'),
  });
  if (!detection.usable) {
    console.log(headlessNotice(detection.reason));
    return runHeadless();
  }

  if (!(await nativeModulesReadyFor(detection.binary))) {
    console.log('better-sqlite3 could not be rebuilt for Electron (see above); starting headless mode instead.');
    return runHeadless();
  }
  const built = await runInherited(process.execPath, [packageBin(root, 'electron-vite', 'electron-vite'), 'build']);
  if (built !== 0) {
    console.error('The app build failed (see above).');
    return built;
  }
  // `.` = this project: Electron reads package.json (name, version, main → out/main/index.js).
  return runInherited(detection.binary, [root, ...forwarded], electronLaunchEnv(process.env));
}

main().then(
  (code) => process.exit(code ?? 0),
  (error) => {
    console.error(`Echo Workstation could not start: ${error?.message ?? error}`);
    process.exit(1);
  },
);
