import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_FOLDER_NAME = 'Echo Workstation';

/**
 * The OS's per-user application-data folder, the same one Electron's app.getPath('userData') gives for the productName
 * "Echo Workstation": ~/.config/Echo Workstation (or $XDG_CONFIG_HOME) on Linux, ~/Library/Application Support/Echo
 * Workstation on macOS, %APPDATA%\Echo Workstation on Windows. The desktop app, headless mode, `npm run import` and
 * `npm run token` all default to it, so they share one database and one API token.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_FOLDER_NAME);
}

export interface DataDirPlace {
  platform?: NodeJS.Platform;
  home?: string;
  /** A relative --data-dir or ECHO_DATA_DIR is taken from here. */
  cwd?: string;
}

/**
 * THE data-folder rule of every command: `--data-dir` wins over ECHO_DATA_DIR (an empty value counts as unset), which
 * wins over the OS default above. The answer is absolute.
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, place: DataDirPlace = {}): string {
  const chosen = flag || env.ECHO_DATA_DIR || undefined;
  const cwd = place.cwd ?? process.cwd();
  return chosen ? resolve(cwd, chosen) : defaultDataDir(place.platform ?? process.platform, env, place.home ?? homedir());
}
