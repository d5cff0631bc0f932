import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  apiServerConfigFor,
  defaultSettings,
  loadSettings,
  parseDesktopSettings,
  saveSettings,
  settingsFile,
  shouldCloseToTray,
  withApiServerEnabled,
} from './settings';

describe('desktop settings', () => {
  it('defaults to the local API server off on port 8000', () => {
    expect(defaultSettings()).toEqual({ apiServer: { enabled: false, port: 8000 }, notifications: { enabled: true } });
  });

  it('accepts valid settings and fills in what is missing', () => {
    const { settings, problems } = parseDesktopSettings({ apiServer: { enabled: true } });
    expect(problems).toEqual([]);
    expect(settings.apiServer).toEqual({ enabled: true, port: 8000 });
    expect(settings.notifications.enabled).toBe(true);
  });

  it('replaces each invalid value by its default and says which one', () => {
    const { settings, problems } = parseDesktopSettings({
      apiServer: { enabled: 'yes', port: 80 },
      notifications: 'loud',
      closeToTray: false,
    });
    expect(settings.apiServer).toEqual({ enabled: false, port: 8000 });
    expect(settings.notifications).toEqual({ enabled: true });
    expect(settings.closeToTray).toBe(false);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/apiServer\.enabled must be true or false/);
    expect(problems.join('\n')).toMatch(/apiServer\.port must be 1024 or higher/);
    expect(problems.join('\n')).toMatch(/notifications/);
  });

  it('refuses non-object JSON and fractional or out-of-range ports', () => {
    expect(parseDesktopSettings([1, 2]).problems[0]).toMatch(/JSON object/);
    expect(parseDesktopSettings(null).settings).toEqual(defaultSettings());
    expect(parseDesktopSettings({ apiServer: { port: 8000.5 } }).settings.apiServer.port).toBe(8000);
    expect(parseDesktopSettings({ apiServer: { port: 70000 } }).problems[0]).toMatch(/at most 65535/);
  });

  it('keeps keys it does not know (written by a newer version)', () => {
    const { settings } = parseDesktopSettings({ theme: 'dark', apiServer: { port: 9000 } });
    expect(settings).toMatchObject({ theme: 'dark', apiServer: { port: 9000 } });
  });

  it('loads defaults when the file is missing, keeps a copy of a corrupt file, and round-trips', () => {
    const dir = mkdtempSync(join(tmpdir(), 'echo-settings-'));
    const file = settingsFile(dir);
    expect(loadSettings(file)).toEqual({ settings: defaultSettings(), problems: [] });

    writeFileSync(file, '{ "apiServer": { "enabled": tru');
    const corrupt = loadSettings(file);
    expect(corrupt.settings).toEqual(defaultSettings());
    expect(corrupt.problems[0]).toMatch(/not valid JSON/);
    expect(readFileSync(`${file}.invalid`, 'utf8')).toContain('"enabled": tru');

    const changed = withApiServerEnabled(defaultSettings(), true);
    saveSettings(file, changed);
    expect(loadSettings(file)).toEqual({ settings: changed, problems: [] });
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('lets --port turn the API on for one run, else follows the settings', () => {
    const settings = defaultSettings();
    expect(apiServerConfigFor(settings, undefined)).toEqual({ enabled: false, port: 8000 });
    expect(apiServerConfigFor(settings, 0)).toEqual({ enabled: true, port: 0 });
    expect(apiServerConfigFor(withApiServerEnabled(settings, true), undefined)).toEqual({ enabled: true, port: 8000 });
  });

  it('closes to the tray by default except on Linux, unless the setting says otherwise', () => {
    expect(shouldCloseToTray(defaultSettings(), 'win32')).toBe(true);
    expect(shouldCloseToTray(defaultSettings(), 'darwin')).toBe(true);
    expect(shouldCloseToTray(defaultSettings(), 'linux')).toBe(false);
    expect(shouldCloseToTray({ ...defaultSettings(), closeToTray: true }, 'linux')).toBe(true);
    expect(shouldCloseToTray({ ...defaultSettings(), closeToTray: false }, 'win32')).toBe(false);
  });
});
