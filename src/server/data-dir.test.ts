import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from './data-dir';

describe('the one data folder of every command', () => {
  it('is the folder Electron names app.getPath("userData") for "Echo Workstation", per platform', () => {
    expect(defaultDataDir('linux', {}, '/home/ann')).toBe('/home/ann/.config/Echo Workstation');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ann')).toBe('/xdg/Echo Workstation');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '' }, '/home/ann')).toBe('/home/ann/.config/Echo Workstation');
    expect(defaultDataDir('darwin', { XDG_CONFIG_HOME: '/ignored' }, '/Users/ann')).toBe('/Users/ann/Library/Application Support/Echo Workstation');
    // path.join is the host's; on Windows the separators are backslashes.
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann').replace(/\//g, '\\')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Echo Workstation',
    );
    expect(defaultDataDir('win32', {}, 'C:\\Users\\ann').replace(/\//g, '\\')).toBe('C:\\Users\\ann\\AppData\\Roaming\\Echo Workstation');
    expect(defaultDataDir('freebsd', {}, '/home/ann')).toBe('/home/ann/.config/Echo Workstation');
  });

  it('--data-dir wins over ECHO_DATA_DIR, which wins over the default; the answer is absolute', () => {
    const place = { platform: 'linux' as const, home: '/home/ann', cwd: '/work' };
    expect(resolveDataDir('rel', { ECHO_DATA_DIR: '/env' }, place)).toBe(resolve('/work', 'rel'));
    expect(resolveDataDir(undefined, { ECHO_DATA_DIR: 'env-rel' }, place)).toBe(resolve('/work', 'env-rel'));
    expect(resolveDataDir(undefined, { ECHO_DATA_DIR: '' }, place)).toBe('/home/ann/.config/Echo Workstation');
    expect(resolveDataDir('', {}, place)).toBe('/home/ann/.config/Echo Workstation');
    expect(resolveDataDir(undefined, {}, { ...place, platform: 'darwin' })).toBe('/home/ann/Library/Application Support/Echo Workstation');
  });
});
