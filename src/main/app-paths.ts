import { join } from 'node:path';

/**
 * Where the built pieces live. `appPath` is app.getAppPath(): the project root in development, app.asar when
 * packaged. Tray images and the MT5 bridge ship outside the asar (electron-builder extraResources) because the
 * OS tray and MetaTrader need real files.
 */
export interface AppPaths {
  preload: string;
  rendererDir: string;
  resourcesDir: string;
}

export function appPaths(input: { appPath: string; resourcesPath: string; isPackaged: boolean }): AppPaths {
  return {
    preload: join(input.appPath, 'out', 'preload', 'index.cjs'),
    rendererDir: join(input.appPath, 'out', 'renderer'),
    resourcesDir: input.isPackaged ? join(input.resourcesPath, 'resources') : join(input.appPath, 'resources'),
  };
}

export function logsDir(dataDir: string): string {
  return join(dataDir, 'logs');
}

/** A start-up failure as a sentence the trader can act on (shown in an error box). */
export function describeStartupError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)) {
    return (
      'The database driver (better-sqlite3) was built for plain Node.js, not for Electron. ' +
      'Start the app with `npm start`, which rebuilds it, or run `npx electron-builder install-app-deps`.'
    );
  }
  if (/SQLITE_BUSY|database is locked/i.test(message)) {
    return 'The database is locked by another program. Close other Echo Workstation windows or headless servers using this data folder and try again.';
  }
  return message;
}
