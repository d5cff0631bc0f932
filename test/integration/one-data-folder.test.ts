import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../src/server/data-dir';

/**
 * Issue 9.3 as a new user meets it: with no --data-dir and no ECHO_DATA_DIR, `npm run import`, `npm start` (headless
 * here: no display) and `npm run token` all use the one OS app-data folder, so the README's import lands where the
 * server looks and the token it prints is the one the server accepts. A fake home keeps the real one untouched.
 */
const repoRoot = resolve(__dirname, '..', '..');
const home = mkdtempSync(join(tmpdir(), 'echo-home-'));
const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home, APPDATA: join(home, 'AppData', 'Roaming'), ECHO_HEADLESS: '1' };
delete env.ECHO_DATA_DIR;
delete env.XDG_CONFIG_HOME;
delete env.ECHO_PORT;
const expectedFolder = defaultDataDir(process.platform, env, home);
let server: ChildProcess | undefined;

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server?.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

function npmRun(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile('npm', ['run', '-s', ...args], { cwd: repoRoot, env, shell: process.platform === 'win32' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolvePromise({ stdout, stderr }),
    );
  });
}

function startHeadless(): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    // What `npm start` runs; ECHO_HEADLESS=1 picks headless mode, as a box without a display does by itself.
    server = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs'), '--port', '0'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      if (url && output.includes('Data directory:')) {
        clearTimeout(timer);
        expect(output).toContain(`Data directory: ${expectedFolder}`);
        expect(output).toContain('npm run -s token');
        resolvePromise(url);
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk));
    server.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

describe('one data folder for every command', () => {
  it('import, start and token all default to the OS app-data folder; the imported bars and the printed token work on the server', { timeout: 180_000 }, async () => {
    const csv = join(home, 'gold.csv');
    writeFileSync(csv, 'time,open,high,low,close,volume\n2024-01-02T00:00:00Z,2063.1,2064.0,2062.5,2063.8,120\n2024-01-02T01:00:00Z,2063.8,2066.2,2063.0,2065.9,140\n');
    const imported = await npmRun(['import', '--', '--symbol', 'XAUUSD', '--timeframe', '1H', csv]);
    expect(imported.stdout).toContain(expectedFolder);
    expect(existsSync(expectedFolder)).toBe(true);

    const url = await startHeadless();
    const { stdout } = await npmRun(['token']);
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]{43}$/);
    const res = await fetch(`${url}/api/market/candles?symbol=XAUUSD&timeframe=1H&limit=10`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(JSON.stringify(body)).toContain('2065.9');
  });
});
