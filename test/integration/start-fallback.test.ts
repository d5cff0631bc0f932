import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  detectElectron,
  displayProblem,
  electronLaunchEnv,
  electronPackageDir,
  HEADLESS_NOTICE_START,
  headlessNotice,
  lastErrorLine,
  locateElectronBinary,
  packageBin,
  rootProblem,
  runCaptured,
  splitStartArgs,
  type Run,
} from '../../scripts/start-lib.mjs';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'echo-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakeFs(files: Record<string, string>) {
  return { existsSync: (p: string) => p in files, readFileSync: (p: string) => files[p] ?? '' };
}

describe('npm start: deciding between Electron and headless mode', () => {
  it('prints one actionable line', () => {
    expect(headlessNotice('download failed')).toBe(
      'Electron runtime is not available on this machine (download failed); starting headless mode instead.',
    );
    expect(headlessNotice('x').startsWith(HEADLESS_NOTICE_START)).toBe(true);
  });

  it('takes --headless / ECHO_HEADLESS for itself and forwards the rest', () => {
    expect(splitStartArgs(['--port', '0', '--headless', '--data-dir', 'd'])).toEqual({ headless: true, forwarded: ['--port', '0', '--data-dir', 'd'] });
    expect(splitStartArgs(['--port', '1'], { ECHO_HEADLESS: '1' })).toEqual({ headless: true, forwarded: ['--port', '1'] });
    expect(splitStartArgs([], {})).toEqual({ headless: false, forwarded: [] });
  });

  it('needs a display on Linux only', () => {
    expect(displayProblem('linux', {})).toMatch(/no display/);
    expect(displayProblem('linux', { DISPLAY: ':0' })).toBeUndefined();
    expect(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeUndefined();
    expect(displayProblem('win32', {})).toBeUndefined();
    expect(displayProblem('darwin', {})).toBeUndefined();
  });

  it('does not try Electron as root on Linux', async () => {
    expect(rootProblem('linux', 0)).toMatch(/root/);
    expect(rootProblem('linux', 1000)).toBeUndefined();
    expect(rootProblem('darwin', 0)).toBeUndefined();
    const run = vi.fn<Run>();
    expect(await detectElectron({ electronDir: '/e', env: { DISPLAY: ':0' }, platform: 'linux', uid: 0, run })).toMatchObject({ usable: false, reason: expect.stringMatching(/root/) });
    expect(run).not.toHaveBeenCalled();
  });

  it('finds the binary the way the electron package does', () => {
    const dir = '/nm/electron';
    expect(locateElectronBinary(undefined)).toMatchObject({ reason: expect.stringMatching(/npm install/) });
    expect(locateElectronBinary(dir, {}, fakeFs({}))).toEqual({ reason: 'the Electron binary was never downloaded' });
    expect(locateElectronBinary(dir, {}, fakeFs({ [join(dir, 'path.txt')]: 'electron' }))).toMatchObject({ reason: expect.stringMatching(/missing/) });
    expect(locateElectronBinary(dir, {}, fakeFs({ [join(dir, 'path.txt')]: 'electron\n', [join(dir, 'dist', 'electron')]: '' }))).toEqual({
      binary: join(dir, 'dist', 'electron'),
    });
    expect(locateElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: '/custom' }, fakeFs({ [join('/custom', 'electron')]: '' }))).toEqual({
      binary: join('/custom', 'electron'),
    });
    expect(locateElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: '/custom' }, fakeFs({}))).toMatchObject({ final: true });
  });

  it('does not download on a Linux box without a display', async () => {
    const run = vi.fn<Run>();
    await expect(detectElectron({ electronDir: '/e', env: {}, platform: 'linux', run })).resolves.toEqual({
      usable: false,
      reason: 'no display: DISPLAY and WAYLAND_DISPLAY are not set',
    });
    expect(run).not.toHaveBeenCalled();
  });

  it('tries the download once, then reports its error in a few words', async () => {
    const run = vi.fn<Run>(async () => ({
      status: 1,
      stdout: '',
      stderr: 'Error: getaddrinfo ENOTFOUND github.com\n    at GetAddrInfoReqWrap.onlookup (node:dns:120:26)\n',
      timedOut: false,
    }));
    const result = await detectElectron({ electronDir: '/e', env: {}, platform: 'win32', run, locate: () => ({ reason: 'never downloaded' }) });
    expect(result).toEqual({ usable: false, reason: 'download failed: Error: getaddrinfo ENOTFOUND github.com' });
    expect(run).toHaveBeenCalledOnce();
    expect(run.mock.calls[0]?.[1]).toEqual([join('/e', 'install.js')]);
  });

  it('respects ELECTRON_SKIP_BINARY_DOWNLOAD and reports a download timeout', async () => {
    const locate = () => ({ reason: 'never downloaded' });
    const run = vi.fn<Run>(async () => ({ status: null, stdout: '', stderr: '', timedOut: true }));
    expect(await detectElectron({ electronDir: '/e', env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, platform: 'darwin', run, locate })).toMatchObject({
      reason: expect.stringMatching(/ELECTRON_SKIP_BINARY_DOWNLOAD/),
    });
    expect(run).not.toHaveBeenCalled();
    expect(await detectElectron({ electronDir: '/e', env: {}, platform: 'darwin', run, locate })).toEqual({ usable: false, reason: 'download timed out' });
  });

  it('refuses a binary that is present but cannot run', async () => {
    const run = vi.fn<Run>(async () => ({ status: 127, stdout: '', stderr: 'error while loading shared libraries: libnss3.so: cannot open shared object file', timedOut: false }));
    const result = await detectElectron({ electronDir: '/e', env: { DISPLAY: ':0' }, platform: 'linux', run, locate: () => ({ binary: '/e/dist/electron' }) });
    expect(result).toEqual({ usable: false, reason: expect.stringMatching(/does not start: .*libnss3/) });
    expect(run.mock.calls[0]?.[2]?.env?.ELECTRON_RUN_AS_NODE).toBe('1');
  });

  it.skipIf(process.platform === 'win32')('downloads with the package’s own installer and accepts a binary that runs (real processes)', async () => {
    // A stand-in electron package: install.js "downloads" a tiny executable and writes path.txt, as the real one does.
    const electronDir = join(scratch, 'electron');
    mkdirSync(electronDir, { recursive: true });
    writeFileSync(
      join(electronDir, 'install.js'),
      `const fs = require('fs'), path = require('path');
       fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
       fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '#!/bin/sh\\nexit 0\\n', { mode: 0o755 });
       fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');`,
    );
    const slow = vi.fn();
    const result = await detectElectron({ electronDir, env: { DISPLAY: ':0', PATH: process.env.PATH }, platform: 'linux', run: runCaptured, onDownloadSlow: slow });
    expect(result).toEqual({ usable: true, binary: join(electronDir, 'dist', 'electron') });
    chmodSync(join(electronDir, 'dist', 'electron'), 0o644); // no longer executable
    expect(await detectElectron({ electronDir, env: { DISPLAY: ':0' }, platform: 'linux', run: runCaptured })).toMatchObject({ usable: false });
  });

  it('captures a failing child without throwing, and picks its error line', async () => {
    const result = await runCaptured(process.execPath, ['-e', "console.error('Error: fetch failed'); process.exit(3)"]);
    expect(result).toMatchObject({ status: 3, timedOut: false });
    expect(lastErrorLine(result.stderr)).toBe('Error: fetch failed');
    expect((await runCaptured(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 })).timedOut).toBe(true);
    expect((await runCaptured(join(scratch, 'no-such-binary'), [])).status).not.toBe(0);
  });

  it('launches Electron without ELECTRON_RUN_AS_NODE and finds package bins', () => {
    expect(electronLaunchEnv({ ELECTRON_RUN_AS_NODE: '1', PATH: '/bin' })).toEqual({ PATH: '/bin' });
    expect(existsSync(packageBin(root, 'electron-vite', 'electron-vite'))).toBe(true);
    expect(existsSync(packageBin(root, 'electron-builder', 'install-app-deps'))).toBe(true);
    expect(electronPackageDir(root)).toBe(join(root, 'node_modules', 'electron'));
  });
});

describe('npm start where Electron cannot run', () => {
  it('prints the one-line notice and brings up headless mode', async () => {
    const dataDir = join(scratch, 'data');
    // An empty ELECTRON_OVERRIDE_DIST_PATH makes "no usable Electron" true on every machine (even one with
    // Electron installed) without downloading anything. Here there is no display either; whichever check
    // fails first, the outcome must be the same.
    const noElectron = join(scratch, 'no-electron');
    mkdirSync(noElectron, { recursive: true });
    const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), '--port', '0', '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: noElectron, ECHO_HEADLESS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32', // its own process group, so the whole tree is stopped below
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`headless mode did not come up:\n${stdout}\n${stderr}`)), 150_000);
        child.stdout.on('data', () => {
          const match = /Echo Workstation \(headless\) is running at (http:\/\/127\.0\.0\.1:(\d+))\//.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        });
        void exited.then((code) => reject(new Error(`start.mjs exited (${code}) early:\n${stdout}\n${stderr}`)));
      });
      const lines = stdout.split(/\r?\n/);
      expect(lines[0]).toMatch(/^Electron runtime is not available on this machine \(.+\); starting headless mode instead\.$/);
      expect(lines.filter((line) => line.startsWith(HEADLESS_NOTICE_START))).toHaveLength(1);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ success: true, data: { status: 'ok' } });
      expect(existsSync(join(dataDir, 'api-token'))).toBe(true);
    } finally {
      if (child.exitCode === null) {
        if (process.platform === 'win32') child.kill();
        else process.kill(-(child.pid as number), 'SIGTERM');
      }
      await exited;
    }
  }, 180_000);
});
