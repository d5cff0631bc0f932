import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildAppMenuTemplate, type AppMenuActions } from './app-menu';

function actions(): AppMenuActions {
  return {
    setApiServerEnabled: vi.fn(),
    openApiInBrowser: vi.fn(),
    openDataFolder: vi.fn(),
    openLogsFolder: vi.fn(),
    quit: vi.fn(),
  };
}

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

describe('application menu', () => {
  it('has the API server switch reflecting the setting, and it calls back with the new value', () => {
    const act = actions();
    const items = flatten(buildAppMenuTemplate({ platform: 'win32', isDev: false, apiServerEnabled: false, apiServer: { status: 'off' }, actions: act }));
    const toggle = items.find((item) => item.label === 'Enable Local API Server')!;
    expect(toggle).toMatchObject({ type: 'checkbox', checked: false });
    (toggle.click as (item: { checked: boolean }) => void)({ checked: true });
    expect(act.setApiServerEnabled).toHaveBeenCalledWith(true);
    expect(items.find((item) => item.label?.startsWith('Open in Browser'))?.enabled).toBe(false);
  });

  it('offers "Open in Browser" once the server is on', () => {
    const act = actions();
    const items = flatten(
      buildAppMenuTemplate({ platform: 'linux', isDev: false, apiServerEnabled: true, apiServer: { status: 'on', port: 8000, url: 'http://127.0.0.1:8000' }, actions: act }),
    );
    const open = items.find((item) => item.label?.startsWith('Open in Browser'))!;
    expect(open.enabled).toBe(true);
    (open.click as () => void)();
    expect(act.openApiInBrowser).toHaveBeenCalledOnce();
    expect(items.some((item) => item.label === 'Local API: on at 127.0.0.1:8000')).toBe(true);
  });

  it('keeps DevTools and reload out of production builds', () => {
    const roles = (isDev: boolean) =>
      flatten(buildAppMenuTemplate({ platform: 'win32', isDev, apiServerEnabled: false, apiServer: { status: 'off' }, actions: actions() })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('follows platform conventions', () => {
    const mac = buildAppMenuTemplate({ platform: 'darwin', isDev: false, apiServerEnabled: false, apiServer: { status: 'off' }, actions: actions() });
    expect(mac[0]).toEqual({ role: 'appMenu' });
    expect(flatten(mac).map((i) => i.role)).not.toContain('about');
    const win = flatten(buildAppMenuTemplate({ platform: 'win32', isDev: false, apiServerEnabled: false, apiServer: { status: 'off' }, actions: actions() }));
    expect(win.find((i) => i.label === 'Quit')?.accelerator).toBe('Ctrl+Q');
    expect(win.map((i) => i.role)).toContain('about');
    expect(win.map((i) => i.role)).toContain('editMenu');
  });
});
