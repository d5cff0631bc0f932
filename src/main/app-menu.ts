import type { MenuItemConstructorOptions } from 'electron';
import type { ApiServerState } from './api-server-controller';
import { apiServerStatusLine } from './tray';

export interface AppMenuActions {
  /** Turns the local API server on or off and saves the choice in settings.json. */
  setApiServerEnabled(enabled: boolean): void;
  /** Opens the running local API's sign-in link (the UI and /docs) in the system browser. */
  openApiInBrowser(): void;
  openDataFolder(): void;
  openLogsFolder(): void;
  quit(): void;
}

export interface AppMenuInput {
  platform: NodeJS.Platform;
  isDev: boolean;
  apiServerEnabled: boolean;
  apiServer: ApiServerState;
  actions: AppMenuActions;
}

/** The application menu. Rebuilt whenever the API server state changes, so the checkbox and status stay true. */
export function buildAppMenuTemplate(input: AppMenuInput): MenuItemConstructorOptions[] {
  const { actions, platform } = input;
  const isMac = platform === 'darwin';
  const apiOn = input.apiServer.status === 'on';

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { label: 'Quit', accelerator: 'Ctrl+Q', click: () => actions.quit() },
    ],
  };

  const api: MenuItemConstructorOptions = {
    label: 'API',
    submenu: [
      {
        label: 'Enable Local API Server',
        type: 'checkbox',
        checked: input.apiServerEnabled,
        click: (item) => actions.setApiServerEnabled(item.checked),
      },
      { label: apiServerStatusLine(input.apiServer), enabled: false },
      { type: 'separator' },
      { label: 'Open in Browser (UI and API docs)', enabled: apiOn, click: () => actions.openApiInBrowser() },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(input.isDev ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    file,
    // The edit roles make copy/paste shortcuts work in text fields on macOS.
    { role: 'editMenu' },
    view,
    api,
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Open Logs Folder (for bug reports)', click: () => actions.openLogsFolder() },
        // macOS has About in the app menu already.
        ...(isMac ? [] : ([{ type: 'separator' }, { role: 'about' }] as const)),
      ],
    },
  ];
}
