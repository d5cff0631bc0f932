import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths, describeStartupError } from './app-paths';

describe('app paths', () => {
  it('finds the built files next to the app and resources outside the asar when packaged', () => {
    expect(appPaths({ appPath: '/repo', resourcesPath: '/ignored', isPackaged: false })).toEqual({
      preload: join('/repo', 'out', 'preload', 'index.cjs'),
      rendererDir: join('/repo', 'out', 'renderer'),
      resourcesDir: join('/repo', 'resources'),
    });
    expect(appPaths({ appPath: '/App/Resources/app.asar', resourcesPath: '/App/Resources', isPackaged: true }).resourcesDir).toBe(
      join('/App/Resources', 'resources'),
    );
  });

  it('explains a native-module ABI mismatch in actionable words', () => {
    const abi = new Error('The module better_sqlite3.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115.');
    expect(describeStartupError(abi)).toMatch(/npm start/);
    expect(describeStartupError(new Error('SQLITE_BUSY: database is locked'))).toMatch(/locked by another program/);
    expect(describeStartupError('plain')).toBe('plain');
  });
});
