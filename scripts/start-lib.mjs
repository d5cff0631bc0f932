// The decisions behind `npm start`, kept free of side effects where possible so they are unit-tested
// (test/integration/start-fallback.test.ts). scripts/start.mjs does the spawning.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const HEADLESS_NOTICE_START = 'Electron runtime is not available on this machine';

/** The one line printed before falling back to headless mode. */
export function headlessNotice(reason) {
  return `${HEADLESS_NOTICE_START} (${reason}); starting headless mode instead.`;
}

/**
 * `--headless` (or ECHO_HEADLESS=1) skips Electron on purpose; it is ours, so it is not passed on.
 * Everything else (--port, --data-dir, --help) goes to whichever mode starts.
 */
export function splitStartArgs(argv, env = {}) {
  const forwarded = argv.filter((arg) => arg !== '--headless');
  const headless = forwarded.length !== argv.length || env.ECHO_HEADLESS === '1' || env.ECHO_HEADLESS === 'true';
  return { headless, forwarded };
}

/** Electron needs a display server on Linux; Windows and macOS always have one. */
export function displayProblem(platform, env) {
  if (platform !== 'linux') return undefined;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return undefined;
  return 'no display: DISPLAY and WAYLAND_DISPLAY are not set';
}

/** Chromium's sandbox refuses to run as root on Linux (Electron exits at once), common on CI boxes and containers. */
export function rootProblem(platform, uid) {
  return platform === 'linux' && uid === 0 ? 'running as root, which Chromium\'s sandbox refuses; start it as a normal user' : undefined;
}

/** The electron npm package's folder (it holds path.txt and dist/ once its binary is downloaded). */
export function electronPackageDir(root) {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Where the Electron binary is, the way the electron package itself finds it (index.js): dist/<path.txt>,
 * or ELECTRON_OVERRIDE_DIST_PATH when set. `fs` is injectable for tests.
 */
export function locateElectronBinary(electronDir, env = {}, fs = { existsSync, readFileSync }) {
  if (!electronDir) return { reason: 'the electron package is not installed (run npm install)' };
  const pathFile = join(electronDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return fs.existsSync(binary) ? { binary } : { reason: `no Electron binary at ELECTRON_OVERRIDE_DIST_PATH (${binary})`, final: true };
  }
  if (!relative) return { reason: 'the Electron binary was never downloaded' };
  const binary = join(electronDir, 'dist', relative);
  return fs.existsSync(binary) ? { binary } : { reason: `the Electron binary is missing (${binary})` };
}

/** The last meaningful line of a failed child's output, for the one-line notice. */
export function lastErrorLine(text) {
  const lines = String(text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const error = [...lines].reverse().find((line) => /error|fail|cannot|denied|not found|ENOTFOUND|EAI_AGAIN/i.test(line) && !line.startsWith('at '));
  const line = error ?? lines.at(-1) ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * Runs a command; resolves { status, stdout, stderr, timedOut }. Never rejects. Output is captured, not shown,
 * so a failed attempt does not spill a stack trace over the one-line notice.
 */
export function runCaptured(command, args, { env = process.env, cwd, timeoutMs = 60_000, onSlow, slowAfterMs = 3_000 } = {}) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      resolve({ status: null, stdout, stderr: String(error), timedOut });
      return;
    }
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const slow = onSlow ? setTimeout(onSlow, slowAfterMs) : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (status, extra = '') => {
      clearTimeout(timer);
      clearTimeout(slow);
      resolve({ status, stdout, stderr: stderr + extra, timedOut });
    };
    child.on('error', (error) => done(null, String(error)));
    child.on('close', (code) => done(code));
  });
}

/**
 * Decides whether the Electron app can start here. Order matters: a display-less Linux box needs no
 * 100 MB download to learn that it cannot show a window.
 * deps: { electronDir, env, platform, uid, run(command, args, options), locate?(electronDir, env), nodePath, downloadTimeoutMs, onDownloadSlow }
 * Resolves { usable: true, binary } or { usable: false, reason }.
 */
export async function detectElectron(deps) {
  const { electronDir, env, platform, run, nodePath = process.execPath } = deps;
  const locate = deps.locate ?? ((dir, e) => locateElectronBinary(dir, e));
  const cannotShowWindows = displayProblem(platform, env) ?? rootProblem(platform, deps.uid);
  if (cannotShowWindows) return { usable: false, reason: cannotShowWindows };

  let found = locate(electronDir, env);
  if (!found.binary && !found.final && electronDir) {
    if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { usable: false, reason: 'not installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set' };
    // The same download the electron package's postinstall does (it may have failed or been skipped).
    const download = await run(nodePath, [join(electronDir, 'install.js')], {
      env,
      cwd: electronDir,
      timeoutMs: deps.downloadTimeoutMs ?? 180_000,
      onSlow: deps.onDownloadSlow,
    });
    if (download.timedOut) return { usable: false, reason: 'download timed out' };
    if (download.status !== 0) {
      const detail = lastErrorLine(download.stderr || download.stdout);
      return { usable: false, reason: detail ? `download failed: ${detail}` : 'download failed' };
    }
    found = locate(electronDir, env);
  }
  if (!found.binary) return { usable: false, reason: found.reason };

  // The binary can be present yet unable to run (missing system libraries, wrong architecture).
  const probe = await run(found.binary, ['-e', 'process.exit(0)'], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, timeoutMs: 30_000 });
  if (probe.status !== 0) {
    const detail = probe.timedOut ? 'timed out' : lastErrorLine(probe.stderr) || `exit code ${probe.status}`;
    return { usable: false, reason: `the Electron binary does not start: ${detail}` };
  }
  return { usable: true, binary: found.binary };
}

/** The probe that tells whether better-sqlite3 is built for the runtime (Electron here, run as Node). */
export const NATIVE_PROBE = "new (require('better-sqlite3'))(':memory:').close()";

/** The environment Electron is launched with: ELECTRON_RUN_AS_NODE would turn the app into a plain Node process. */
export function electronLaunchEnv(env) {
  const result = { ...env };
  delete result.ELECTRON_RUN_AS_NODE;
  return result;
}

/** The JavaScript file behind a package's bin, run with `node` (no npx, no shell: works the same on Windows). */
export function packageBin(root, packageName, binName) {
  const require = createRequire(join(root, 'package.json'));
  const packageJsonPath = require.resolve(`${packageName}/package.json`);
  const { bin } = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const relative = typeof bin === 'string' ? bin : bin?.[binName ?? packageName];
  if (!relative) throw new Error(`${packageName} has no "${binName ?? packageName}" command`);
  return join(dirname(packageJsonPath), relative);
}
