import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as ElectronModule from 'electron';
import { createAppContext, type AppContext } from '../server/app-context';
import { buildAppMenuTemplate } from './app-menu';
import { appPaths, describeStartupError, logsDir } from './app-paths';
import { createAppProtocolHandler } from './app-protocol';
import { createApiServerController } from './api-server-controller';
import { buildContentSecurityPolicy, withSecurityHeaders } from './content-security-policy';
import { createIpcInvokeHandler, registerIpcRouter } from './ipc-router';
import { chooseDataDir, parseLaunchArgs } from './launch-args';
import { startLocalApiServer, type LocalApiServer } from './local-api';
import { APP_SCHEME, createUrlTrust } from './navigation-guard';
import { createNotifier, desktopNotificationOf, electronNotificationShower, type Notifier } from './notifier';
import { toEventMessage } from '../core/events/event-message';
import { createPushEventSender, type PushEventSender } from './push-events';
import { apiServerConfigFor, loadSettings, saveSettings, settingsFile, shouldCloseToTray, withApiServerEnabled } from './settings';
import { createAppTray, trayIconFile, type AppTray } from './tray';
import { denyPermissions, guardWebContents } from './web-contents-guard';
import { createMainWindowOptions } from './window-options';

/**
 * The desktop app's composition root: Electron arrives as a parameter (index.ts passes the real module), so this
 * file holds no value import of 'electron' and the wiring is exercised in plain Node with fakes.
 */

export const APP_ID = 'com.echoworkstation.app';

export type ElectronApi = Pick<
  typeof ElectronModule,
  'app' | 'BrowserWindow' | 'dialog' | 'ipcMain' | 'Menu' | 'Notification' | 'protocol' | 'session' | 'shell' | 'Tray'
>;

export interface DesktopAppOptions {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** process.resourcesPath in Electron. */
  resourcesPath: string;
}

/** What the rest of the app uses later to reach the trader (engine events → notifications and push events). */
export interface DesktopApp {
  readonly dataDir: string;
  notifier(): Notifier | undefined;
  sendPush: PushEventSender;
}

export function startDesktopApp(electron: ElectronApi, options: DesktopAppOptions): DesktopApp | undefined {
  const { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, session, shell, Tray } = electron;
  const { platform, env } = options;
  const args = parseLaunchArgs(options.argv.slice(1));

  // The custom scheme must be registered before 'ready'. 'standard' gives it a real origin (relative URLs,
  // storage); 'secure' makes it a secure context like https; corsEnabled lets Vite's `crossorigin` module
  // scripts load from it.
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
  ]);

  const dataDir = chooseDataDir(args, env, { platform });
  // userData keys the single-instance lock and Chromium's own storage: following the data dir means one
  // instance per data folder (two instances never share one database), and separate folders can run side by side.
  if (dataDir !== app.getPath('userData')) app.setPath('userData', dataDir);
  if (!app.requestSingleInstanceLock()) {
    console.log(`Echo Workstation is already running with the data folder ${dataDir}; switching to that window.`);
    app.quit();
    return undefined;
  }
  if (platform === 'win32') app.setAppUserModelId(APP_ID); // Windows shows notifications only for a registered app id.

  const trust = createUrlTrust({ devServerUrl: env.ELECTRON_RENDERER_URL, isPackaged: app.isPackaged });
  const isDev = !app.isPackaged;
  const paths = appPaths({ appPath: app.getAppPath(), resourcesPath: options.resourcesPath, isPackaged: app.isPackaged });

  let context: AppContext | undefined;
  let mainWindow: ElectronModule.BrowserWindow | undefined;
  let tray: AppTray | undefined;
  let notifier: Notifier | undefined;
  let windowsAllowed = false; // set once start-up is far enough along to open the main window
  let quitting = false;
  let toldAboutTray = false;
  let cleanedUp = false;
  const log = (level: 'info' | 'warn' | 'error', message: string, extra: Record<string, unknown> = {}) => {
    if (context) context.logger[level](extra, message);
    else console[level === 'info' ? 'log' : level](message);
  };
  for (const problem of args.problems) log('warn', problem);

  // Every WebContents, whenever created, gets the navigation rules before it can load anything.
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, {
      trust,
      openExternal: (url) => void shell.openExternal(url),
      onBlocked: (what, url) => log('warn', `blocked ${what}`, { url }),
    });
  });

  const sendPush = createPushEventSender({
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    isTrustedUrl: (url) => trust.isTrustedAppUrl(url),
    onInvalid: (event, error) => log('error', `push event ${event} did not match the contract`, { error: String(error) }),
  });

  const showMainWindow = () => {
    // A second launch or a Dock click during start-up must not open a window before the one start-up opens.
    if (!windowsAllowed) return;
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createMainWindow(true);
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  const quit = () => {
    quitting = true;
    app.quit();
  };

  app.on('second-instance', () => showMainWindow());
  app.on('activate', () => showMainWindow()); // macOS: clicking the Dock icon.
  app.on('before-quit', () => {
    quitting = true;
  });

  let settings = loadSettings(settingsFile(dataDir));

  function createMainWindow(show: boolean): ElectronModule.BrowserWindow {
    const window = new BrowserWindow(
      createMainWindowOptions({ preloadPath: paths.preload, iconPath: join(paths.resourcesDir, 'icon.png'), isDev, platform }),
    );
    window.once('ready-to-show', () => {
      if (show) window.show();
    });
    window.on('close', (event) => {
      if (quitting || !shouldCloseToTray(settings.settings, platform)) return;
      // Strategies keep running with the window closed; the tray icon brings it back or quits.
      event.preventDefault();
      window.hide();
      if (!toldAboutTray) {
        toldAboutTray = true;
        notifier?.notify({
          kind: 'info',
          title: 'Echo Workstation is still running',
          body: 'Strategies and alerts keep working. Use the tray icon to open the window or quit.',
        });
      }
    });
    window.webContents.on('did-fail-load', (_event, errorCode, errorDescription, url) => {
      log('error', 'the UI failed to load', { errorCode, errorDescription, url });
      if (show && !window.isDestroyed()) window.show(); // never leave the trader with an invisible app
    });
    window.webContents.on('render-process-gone', (_event, details) => {
      log('error', 'the window crashed; reloading it', { reason: details.reason, exitCode: details.exitCode });
      if (details.reason !== 'clean-exit' && !window.isDestroyed()) window.reload();
    });
    void window.loadURL(trust.entryUrl).catch((error: unknown) => log('error', 'the window could not load the UI', { error: String(error) }));
    return window;
  }

  const onReady = async () => {
    try {
      // Notifications come from the domain event stream through the core Notifier port (tray + native notifications).
      context = createAppContext({ dataDir, version: app.getVersion(), environment: 'desktop', notifier: { notify: (n) => notifier?.notify(desktopNotificationOf(n)) } });
    } catch (error) {
      dialog.showErrorBox('Echo Workstation cannot start', describeStartupError(error));
      app.exit(1);
      return;
    }
    const { logger } = context;
    for (const problem of settings.problems) logger.warn(problem);
    app.setAboutPanelOptions({ applicationName: 'Echo Workstation', applicationVersion: app.getVersion(), copyright: 'Echo Workstation' });

    const csp = buildContentSecurityPolicy({ devServerOrigin: trust.devServerOrigin });
    protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: paths.rendererDir, csp, readFile: (file) => readFile(file) }));
    // The dev server's responses (and any other app response that passes through the network stack) get the same CSP.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      if (!trust.isTrustedAppUrl(details.url)) return callback({});
      callback({ responseHeaders: withSecurityHeaders(details.responseHeaders, csp) });
    });
    denyPermissions(session.defaultSession, trust);

    registerIpcRouter(
      ipcMain,
      createIpcInvokeHandler(context.handlers, {
        isTrustedSender: (url) => trust.isTrustedAppUrl(url),
        onUnexpected: (error, name) => logger.error({ err: error, procedure: name }, 'unexpected error in an IPC call'),
      }),
    );

    notifier = createNotifier({
      nativeEnabled: () => settings.settings.notifications.enabled && Notification.isSupported(),
      showNative: electronNotificationShower(Notification),
      focusApp: showMainWindow,
      broadcast: (payload) => sendPush('notification', payload),
    });

    // Every domain event reaches the app windows (IPC push); screens refetch what it says changed.
    context.events.subscribe((event) => sendPush('domain-event', toEventMessage(event)));
    context.events.onPulse((pulse) => sendPush('live-pulse', pulse));
    // Tasks that were running when the app last stopped resume, each reconciled with its broker first.
    void context.start().catch((error: unknown) => logger.error({ err: error }, 'resuming tasks failed'));

    const appContext = context;
    const apiServer = createApiServerController<LocalApiServer>(
      (port) =>
        startLocalApiServer({
          handlers: appContext.handlers,
          dataDir,
          logger: appContext.logger,
          version: appContext.version,
          port,
          uiDir: paths.rendererDir,
          events: appContext.events,
          identity: appContext.identity,
          httpMetrics: appContext.metrics,
        }),
      (error) => logger.warn({ err: error }, 'local API server problem'),
    );
    let apiEnabled = apiServerConfigFor(settings.settings, args.apiPort).enabled;

    const refreshMenu = () => {
      const template = buildAppMenuTemplate({
        platform,
        isDev,
        apiServerEnabled: apiEnabled,
        apiServer: apiServer.state(),
        actions: {
          setApiServerEnabled: (enabled) => {
            apiEnabled = enabled;
            settings = { settings: withApiServerEnabled(settings.settings, enabled), problems: [] };
            try {
              saveSettings(settingsFile(dataDir), settings.settings);
            } catch (error) {
              logger.error({ err: error }, 'could not save settings.json');
            }
            void apiServer.apply({ enabled, port: args.apiPort ?? settings.settings.apiServer.port });
          },
          openApiInBrowser: () => {
            const running = apiServer.current();
            if (running) void shell.openExternal(running.signInUrl());
          },
          openDataFolder: () => void shell.openPath(dataDir),
          openLogsFolder: () => void shell.openPath(logsDir(dataDir)),
          quit,
        },
      });
      Menu.setApplicationMenu(Menu.buildFromTemplate(template));
    };

    tray = createAppTray(
      {
        createTray: (iconPath) => new Tray(iconPath),
        buildMenu: (template) => Menu.buildFromTemplate(template),
        iconPath: join(paths.resourcesDir, trayIconFile(platform)),
        platform,
        onShow: showMainWindow,
        onQuit: quit,
      },
      apiServer.state(),
    );
    apiServer.onChange((state) => {
      tray?.update(state);
      refreshMenu();
      if (state.status === 'on') logger.info({ url: state.url }, 'local API server on');
      if (state.status === 'failed') {
        notifier?.notify({ kind: 'error', title: 'The local API server did not start', body: `Port ${state.port}: ${state.message}.` });
      }
    });
    refreshMenu();

    windowsAllowed = true;
    mainWindow = createMainWindow(!args.hidden);
    await apiServer.apply(apiServerConfigFor(settings.settings, args.apiPort));

    // Shutting down is asynchronous (the API server drains); quit again once it is done.
    app.on('will-quit', (event) => {
      if (cleanedUp) return;
      event.preventDefault();
      void apiServer
        .apply({ enabled: false, port: 0 })
        .catch(() => undefined)
        .finally(() => {
          cleanedUp = true;
          tray?.destroy();
          context?.close();
          app.quit();
        });
    });
  };

  // Keep running in the tray when the last window closes, unless closing to the tray is off.
  app.on('window-all-closed', () => {
    if (!shouldCloseToTray(settings.settings, platform) && platform !== 'darwin') quit();
  });

  app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => {
      log('error', 'start-up failed', { error: String(error) });
      dialog.showErrorBox('Echo Workstation cannot start', describeStartupError(error));
      app.exit(1);
    });

  return { dataDir, notifier: () => notifier, sendPush };
}
