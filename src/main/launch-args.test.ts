import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../server/data-dir';
import { chooseDataDir, parseLaunchArgs } from './launch-args';

describe('launch arguments', () => {
  it('reads --data-dir, --port and --hidden in both spellings, ignoring Electron and Chromium switches', () => {
    expect(parseLaunchArgs(['.', '--no-sandbox', '--data-dir', '/data/echo', '--port=8123', '--inspect=9229', '--hidden'])).toEqual({
      dataDir: '/data/echo',
      apiPort: 8123,
      hidden: true,
      problems: [],
    });
    expect(parseLaunchArgs(['--data-dir=/d', '--port', '0'])).toMatchObject({ dataDir: '/d', apiPort: 0, hidden: false });
    expect(parseLaunchArgs([])).toEqual({ hidden: false, problems: [] });
  });

  it('reports unusable values instead of failing', () => {
    const args = parseLaunchArgs(['--port', 'eighty', '--data-dir', '--hidden']);
    expect(args.apiPort).toBeUndefined();
    expect(args.dataDir).toBeUndefined();
    expect(args.hidden).toBe(true);
    expect(args.problems).toHaveLength(2);
    expect(parseLaunchArgs(['--port=70000']).problems[0]).toMatch(/0 to 65535/);
    expect(parseLaunchArgs(['--port=-1']).apiPort).toBeUndefined();
  });

  it('chooses --data-dir, then ECHO_DATA_DIR, then the per-user folder (the one rule of src/server/data-dir.ts)', () => {
    const env = { ECHO_DATA_DIR: '/env' };
    expect(chooseDataDir({ dataDir: 'rel/dir', hidden: false, problems: [] }, env, { cwd: '/cwd' })).toBe(resolve('/cwd', 'rel/dir'));
    expect(chooseDataDir({ dataDir: 'rel/dir', hidden: false, problems: [] }, { INIT_CWD: '/typed-here' })).toBe(resolve('/typed-here', 'rel/dir'));
    expect(chooseDataDir({ hidden: false, problems: [] }, {}, { platform: 'darwin', home: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/Echo Workstation');
    expect(chooseDataDir({ hidden: false, problems: [] }, env)).toBe(resolve('/env'));
    expect(chooseDataDir({ hidden: false, problems: [] }, { ECHO_DATA_DIR: '' })).toBe(defaultDataDir(process.platform, { ECHO_DATA_DIR: '' }));
    expect(chooseDataDir({ hidden: false, problems: [] }, {})).toBe(defaultDataDir(process.platform, {}));
  });
});
