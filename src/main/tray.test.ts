import { describe, expect, it, vi } from 'vitest';
import { apiServerStatusLine, buildTrayMenuTemplate, createAppTray, trayIconFile, trayTooltip } from './tray';

describe('tray', () => {
  it('uses a template image on macOS', () => {
    expect(trayIconFile('darwin')).toBe('trayTemplate.png');
    expect(trayIconFile('win32')).toBe('tray.png');
  });

  it('shows the API server status in the tooltip, within the Windows length limit', () => {
    expect(trayTooltip({ status: 'off' })).toBe('Echo Workstation: running\nLocal API: off');
    expect(trayTooltip({ status: 'on', port: 8000, url: 'http://127.0.0.1:8000' })).toContain('on at 127.0.0.1:8000');
    expect(trayTooltip({ status: 'failed', port: 8000, message: 'x'.repeat(300) }).length).toBeLessThanOrEqual(127);
    expect(apiServerStatusLine({ status: 'starting', port: 9 })).toMatch(/starting on port 9/);
  });

  it('has Show and Quit items that call back', () => {
    const onShow = vi.fn();
    const onQuit = vi.fn();
    const template = buildTrayMenuTemplate({ state: { status: 'off' }, onShow, onQuit });
    const show = template.find((item) => item.label === 'Show Echo Workstation');
    const quit = template.find((item) => item.label === 'Quit Echo Workstation');
    (show?.click as () => void)();
    (quit?.click as () => void)();
    expect(onShow).toHaveBeenCalledOnce();
    expect(onQuit).toHaveBeenCalledOnce();
    expect(template.find((item) => item.label === 'Local API: off')?.enabled).toBe(false);
  });

  it('creates the tray once and updates tooltip and menu on status changes', () => {
    const tray = { setToolTip: vi.fn(), setContextMenu: vi.fn(), on: vi.fn(), destroy: vi.fn() };
    const createTray = vi.fn(() => tray);
    const appTray = createAppTray(
      { createTray, buildMenu: (template) => ({ template }), iconPath: '/r/tray.png', platform: 'win32', onShow: vi.fn(), onQuit: vi.fn() },
      { status: 'off' },
    );
    expect(createTray).toHaveBeenCalledWith('/r/tray.png');
    expect(tray.on).toHaveBeenCalledWith('click', expect.any(Function));
    appTray.update({ status: 'on', port: 8000, url: 'http://127.0.0.1:8000' });
    expect(tray.setToolTip).toHaveBeenLastCalledWith(expect.stringContaining('127.0.0.1:8000'));
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
    appTray.destroy();
    expect(tray.destroy).toHaveBeenCalledOnce();
  });
});
