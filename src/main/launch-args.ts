import { resolveDataDir, type DataDirPlace } from '../server/data-dir';

/**
 * The desktop app's command-line flags. Lenient by design: Electron's and Chromium's own switches
 * (--no-sandbox, --inspect, the app path in development, ...) share argv and must pass through untouched.
 *
 *   --data-dir DIR   where the database, logs, settings and API token live (also ECHO_DATA_DIR)
 *   --port N         turn the local API server on for this run, on port N (settings.json is not changed)
 *   --hidden         start in the tray without showing the window (for start at login)
 */
export interface LaunchArgs {
  dataDir?: string;
  apiPort?: number;
  hidden: boolean;
  /** Flags we recognise but whose value is unusable, as sentences for the log. */
  problems: string[];
}

function valueOf(argv: readonly string[], index: number, flag: string): { value: string | undefined; consumed: number } {
  const arg = argv[index] as string;
  if (arg.startsWith(`${flag}=`)) return { value: arg.slice(flag.length + 1), consumed: 1 };
  const next = argv[index + 1];
  if (next === undefined || next.startsWith('--')) return { value: undefined, consumed: 1 };
  return { value: next, consumed: 2 };
}

export function parsePortValue(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 0 && port <= 65535 ? port : undefined;
}

export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const result: LaunchArgs = { hidden: false, problems: [] };
  for (let i = 0; i < argv.length; ) {
    const arg = argv[i] as string;
    if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      const { value, consumed } = valueOf(argv, i, '--data-dir');
      if (value) result.dataDir = value;
      else result.problems.push('--data-dir needs a folder, e.g. --data-dir "D:\\Echo"; using the default data folder');
      i += consumed;
    } else if (arg === '--port' || arg.startsWith('--port=')) {
      const { value, consumed } = valueOf(argv, i, '--port');
      const port = value === undefined ? undefined : parsePortValue(value);
      if (port !== undefined) result.apiPort = port;
      else result.problems.push(`--port must be a whole number from 0 to 65535, got "${value ?? ''}"; the local API follows settings.json`);
      i += consumed;
    } else {
      if (arg === '--hidden') result.hidden = true;
      i += 1;
    }
  }
  return result;
}

/**
 * The data folder of the desktop app: the one rule every command uses (src/server/data-dir.ts): `--data-dir`, then
 * ECHO_DATA_DIR, then the OS per-user folder, which is what Electron's app.getPath('userData') gives for our productName.
 * A relative folder is taken from where `npm start` was typed (INIT_CWD), not from the project folder npm runs in.
 */
export function chooseDataDir(args: LaunchArgs, env: Record<string, string | undefined>, place: DataDirPlace = {}): string {
  return resolveDataDir(args.dataDir, env, { ...place, cwd: place.cwd ?? env.INIT_CWD ?? process.cwd() });
}
