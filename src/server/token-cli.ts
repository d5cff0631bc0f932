import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadOrCreateApiToken, rotateApiToken } from './api-token';
import { resolveDataDir } from './data-dir';

/**
 * `npm run -s token [-- --data-dir DIR] [--rotate]`: prints the local API token (only the token, on stdout) for
 * scripts: `TOKEN=$(npm run -s token)`. The data folder and the token are created when missing, by the same rules as
 * the server. `--rotate` makes a new one: a running server refuses the old token and its browser sign-ins at once.
 */
const USAGE = `Usage: npm run -s token [-- --data-dir DIR] [--rotate]

Prints the API token of the data folder (default: $ECHO_DATA_DIR, else the app's per-user folder).
  --rotate    replace it with a new token; the old one and browser sign-ins stop working at once
(-s keeps npm's own header lines out of the output, so TOKEN=$(npm run -s token) works.)`;

export interface TokenCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function runTokenCli(argv: readonly string[], io: TokenCliIo): number {
  let values: { 'data-dir'?: string; rotate?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { 'data-dir': { type: 'string' }, rotate: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`token: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const dataDir = resolveDataDir(values['data-dir'], io.env, { cwd: io.cwd });
  if (values.rotate) {
    const { token } = rotateApiToken(dataDir);
    io.out(`${token}\n`);
    io.err(`New API token written to the data folder ${dataDir}; the old token and browser sign-ins no longer work (running servers see it at once).\n`);
    return 0;
  }
  const { token, created } = loadOrCreateApiToken(dataDir);
  if (created) io.err(`Created a new API token in the data folder ${dataDir}.\n`);
  io.out(`${token}\n`);
  return 0;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    process.exitCode = runTokenCli(process.argv.slice(2), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      env: process.env,
      // npm runs scripts in the project folder; a relative --data-dir means the folder the command was typed in.
      cwd: process.env.INIT_CWD ?? process.cwd(),
    });
  } catch (error) {
    process.stderr.write(`token: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
