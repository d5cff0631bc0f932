import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths } from './app-paths';
import { APP_ID } from './desktop-app';
import { trayIconFile } from './tray';

/** The packaging inputs agree with what the main process loads at run time (electron-builder itself cannot run here). */

const root = join(__dirname, '..', '..');
const require = createRequire(join(root, 'package.json'));
const yaml = require('js-yaml') as { load(text: string): any };
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));

function pngSize(file: string): { width: number; height: number } {
  const buffer = readFileSync(file);
  expect(buffer.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

describe('packaging inputs', () => {
  it('is a valid electron-builder configuration', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app as the main process does and installs per user with a choice of folder', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).productName);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, deleteAppDataOnUninstall: false });
    expect(config.mac).toMatchObject({ category: 'public.app-category.finance', hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.files).toContain('out/**');
  });

  it('ships resources where the main process looks for them', () => {
    expect(config.extraResources).toEqual([{ from: 'resources', to: 'resources', filter: ['**/*'] }]);
    const packaged = appPaths({ appPath: '/x/app.asar', resourcesPath: '/x', isPackaged: true });
    expect(packaged.resourcesDir).toBe(join('/x', 'resources'));
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const file = trayIconFile(platform);
      expect(pngSize(join(root, 'resources', file))).toEqual({ width: 16, height: 16 });
      expect(pngSize(join(root, 'resources', file.replace('.png', '@2x.png')))).toEqual({ width: 32, height: 32 });
    }
    expect(pngSize(join(root, 'resources', 'icon.png'))).toEqual({ width: 256, height: 256 });
  });

  it('has a 1024 px app icon and entitlements that allow only JIT', () => {
    expect(pngSize(join(root, 'build', 'icon.png'))).toEqual({ width: 1024, height: 1024 });
    const plist = readFileSync(join(root, 'build', 'entitlements.mac.plist'), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    expect(existsSync(join(root, 'build', 'make-icons.mjs'))).toBe(true);
  });
});
