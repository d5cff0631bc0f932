import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface ServeProcess {
  url: string;
  token: string;
  dataDir: string;
  output: () => string;
  child: ChildProcess;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the README's `npm run serve -- --port 0 --data-dir DIR` as a real process and waits until it listens. */
export async function startServeProcess(
  options: { dataDir?: string; timeoutMs?: number; env?: Record<string, string>; keepDataDir?: boolean; script?: string } = {},
): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'echo-serve-'));
  // `script`: another entry that prints "running at URL/" (the crash suites' test/kit/crash-app.mjs).
  const args = options.script ? [options.script] : [join(root, 'scripts', 'serve.mjs'), '--port', '0', '--data-dir', dataDir];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(options.env ?? {}) },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time:\n${output}`)), options.timeoutMs ?? 120_000);
    const check = () => {
      const match = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  return {
    url,
    token,
    dataDir,
    child,
    output: () => output,
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: await response.json() };
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      }
      if (!options.dataDir && !options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
