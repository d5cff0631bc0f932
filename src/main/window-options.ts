import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** The dark theme's background: shown before the first paint so the window never flashes white. */
export const WINDOW_BACKGROUND = '#0b1118';

/**
 * The renderer's sandbox. Every flag is explicit (not left to Electron's defaults, which have changed
 * between versions): the page gets window.api from the preload and nothing else of Node or Electron.
 */
export function hardenedWebPreferences(options: { preloadPath: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: options.devTools,
  };
}

export interface MainWindowOptionsInput {
  preloadPath: string;
  /** Window/taskbar icon (Linux and Windows; macOS uses the app bundle's icon). */
  iconPath?: string | undefined;
  /** DevTools only for development builds. */
  isDev: boolean;
  platform: NodeJS.Platform;
}

export function createMainWindowOptions(input: MainWindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Echo Workstation',
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    // Shown on 'ready-to-show', after the first paint.
    show: false,
    backgroundColor: WINDOW_BACKGROUND,
    autoHideMenuBar: input.platform !== 'darwin',
    ...(input.iconPath && input.platform !== 'darwin' ? { icon: input.iconPath } : {}),
    webPreferences: hardenedWebPreferences({ preloadPath: input.preloadPath, devTools: input.isDev }),
  };
}
