import type { MenuItemConstructorOptions } from 'electron';
import type { ApiServerState } from './api-server-controller';

/** The tray icon: always there while the app runs (strategies keep trading with the window closed). */

export function trayIconFile(platform: NodeJS.Platform): string {
  // macOS tints "Template" images for light and dark menu bars; Electron picks the @2x file on HiDPI screens.
  return platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
}

export function apiServerStatusLine(state: ApiServerState): string {
  switch (state.status) {
    case 'off':
      return 'Local API: off';
    case 'starting':
      return `Local API: starting on port ${state.port}…`;
    case 'on':
      return `Local API: on at 127.0.0.1:${state.port}`;
    case 'failed':
      return `Local API: failed (${state.message})`;
  }
}

/** Windows truncates tray tooltips at 127 characters. */
export function trayTooltip(state: ApiServerState): string {
  const text = `Echo Workstation: running\n${apiServerStatusLine(state)}`;
  return text.length > 127 ? `${text.slice(0, 126)}…` : text;
}

export function buildTrayMenuTemplate(input: { state: ApiServerState; onShow(): void; onQuit(): void }): MenuItemConstructorOptions[] {
  return [
    { label: 'Show Echo Workstation', click: () => input.onShow() },
    { type: 'separator' },
    { label: apiServerStatusLine(input.state), enabled: false },
    { type: 'separator' },
    { label: 'Quit Echo Workstation', click: () => input.onQuit() },
  ];
}

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click' | 'double-click', listener: () => void): unknown;
  destroy(): void;
}

export interface AppTrayDeps {
  /** `new Tray(iconPath)` */
  createTray(iconPath: string): TrayLike;
  /** `Menu.buildFromTemplate` */
  buildMenu(template: MenuItemConstructorOptions[]): unknown;
  iconPath: string;
  platform: NodeJS.Platform;
  onShow(): void;
  onQuit(): void;
}

export interface AppTray {
  update(state: ApiServerState): void;
  destroy(): void;
}

export function createAppTray(deps: AppTrayDeps, initial: ApiServerState): AppTray {
  const tray = deps.createTray(deps.iconPath);
  // Windows and most Linux trays: a click on the icon shows the window; macOS opens the menu instead.
  if (deps.platform !== 'darwin') tray.on('click', () => deps.onShow());
  const update = (state: ApiServerState) => {
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(deps.buildMenu(buildTrayMenuTemplate({ state, onShow: deps.onShow, onQuit: deps.onQuit })));
  };
  update(initial);
  return { update, destroy: () => tray.destroy() };
}
