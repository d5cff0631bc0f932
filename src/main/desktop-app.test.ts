import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../shared/contract/window-api';
import { defaultDataDir } from '../server/data-dir';
import { startDesktopApp, type ElectronApi } from './desktop-app';

/**
 * The composition root against a fake Electron (the real runtime cannot run here): checks the order of the
 * start-up steps, the security wiring and the run-time behaviour that no single module shows on its own.
 */

type Listener = (...args: any[]) => unknown;

class FakeWebContents extends EventEmitter {
  url = '';
  windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
  sent: Array<[string, unknown]> = [];
  setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return false;
  }
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function fakeElectron(options: { userData: string; appPath: string; lock?: boolean }) {
  const calls: string[] = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    ready: false,
    paths: { userData: options.userData } as Record<string, string>,
    getPath: (name: string) => app.paths[name] as string,
    setPath: vi.fn((name: string, value: string) => {
      calls.push(`setPath:${name}`);
      app.paths[name] = value;
    }),
    requestSingleInstanceLock: vi.fn(() => {
      calls.push('requestSingleInstanceLock');
      return options.lock ?? true;
    }),
    setAppUserModelId: vi.fn(),
    setAboutPanelOptions: vi.fn(),
    getAppPath: () => options.appPath,
    getVersion: () => '9.9.9',
    isReady: () => app.ready,
    quit: vi.fn(() => {
      const event = { defaultPrevented: false, preventDefault() {
        this.defaultPrevented = true;
      } };
      app.emit('before-quit', event);
      app.emit('will-quit', event);
    }),
    exit: vi.fn(),
    readyDeferred: deferred(),
    whenReady: () => app.readyDeferred.promise,
  });
  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    webContents = new FakeWebContents();
    visible = false;
    destroyed = false;
    constructor(readonly options: Record<string, any>) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getAllWindows = () => windows;
    loadURL = vi.fn(async (url: string) => {
      this.webContents.url = url;
    });
    show = vi.fn(() => (this.visible = true));
    hide = vi.fn(() => (this.visible = false));
    focus = vi.fn();
    restore = vi.fn();
    reload = vi.fn();
    isMinimized = () => false;
    isDestroyed = () => this.destroyed;
  }
  const trays: Array<{ icon: string; tooltip: string; menu: unknown; destroyed: boolean }> = [];
  class FakeTray extends EventEmitter {
    state = { icon: '', tooltip: '', menu: undefined as unknown, destroyed: false };
    constructor(icon: string) {
      super();
      this.state.icon = icon;
      trays.push(this.state);
    }
    setToolTip(text: string) {
      this.state.tooltip = text;
    }
    setContextMenu(menu: unknown) {
      this.state.menu = menu;
    }
    destroy() {
      this.state.destroyed = true;
    }
  }
  const notifications: unknown[] = [];
  class FakeNotification extends EventEmitter {
    static isSupported = () => true;
    constructor(readonly options: unknown) {
      super();
    }
    show() {
      notifications.push(this.options);
    }
  }
  const ipcHandlers = new Map<string, Listener>();
  const protocolHandlers = new Map<string, (request: { url: string; method?: string }) => Promise<Response>>();
  let headersListener: Listener | undefined;
  const permissionHandlers: { request?: Listener; check?: Listener } = {};
  let applicationMenu: { template: Array<Record<string, any>> } | undefined;

  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    dialog: { showErrorBox: vi.fn() },
    ipcMain: { handle: (channel: string, listener: Listener) => ipcHandlers.set(channel, listener) },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: typeof applicationMenu) => {
        applicationMenu = menu;
      },
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => calls.push('registerSchemesAsPrivileged')),
      handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) => protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (listener: Listener) => (headersListener = listener) },
        setPermissionRequestHandler: (handler: Listener) => (permissionHandlers.request = handler),
        setPermissionCheckHandler: (handler: Listener) => (permissionHandlers.check = handler),
      },
    },
    shell: { openExternal: vi.fn(async () => {}), openPath: vi.fn(async () => '') },
  };

  const becomeReady = async () => {
    app.ready = true;
    app.readyDeferred.resolve();
    // Let onReady (and the API server start it awaits) finish.
    for (let i = 0; i < 50 && !app.listenerCount('will-quit'); i++) await new Promise((r) => setTimeout(r, 20));
  };

  return {
    electron: electron as unknown as ElectronApi,
    app,
    calls,
    windows,
    trays,
    notifications,
    ipcHandlers,
    protocolHandlers,
    permissionHandlers,
    headers: () => headersListener,
    menu: () => applicationMenu,
    dialog: electron.dialog,
    shell: electron.shell,
    becomeReady,
  };
}

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'echo-desktop-'));
  const appPath = join(root, 'app');
  mkdirSync(join(appPath, 'out', 'renderer'), { recursive: true });
  writeFileSync(join(appPath, 'out', 'renderer', 'index.html'), '<!doctype html><title>Echo UI</title>');
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  return { userData: join(root, 'userData'), dataDir: join(root, 'data'), appPath };
}

function quitApp(fake: ReturnType<typeof fakeElectron>) {
  fake.app.quit();
  // The will-quit handler defers the real quit until the API server has stopped and the database is closed.
  return vi.waitFor(() => expect(fake.trays[0]?.destroyed).toBe(true));
}

describe('desktop app composition root', () => {
  it('starts securely: privileged scheme and lock before ready, hardened window on app://, IPC, tray, menu', async () => {
    const ws = workspace();
    const fake = fakeElectron({ userData: ws.userData, appPath: ws.appPath });
    const desktop = startDesktopApp(fake.electron, {
      argv: ['/opt/echo/echo', '--data-dir', ws.dataDir],
      env: {},
      platform: 'win32',
      resourcesPath: '/opt/echo/resources',
    });
    expect(desktop?.dataDir).toBe(ws.dataDir);
    // The data folder becomes userData before the lock, so the lock is per data folder.
    expect(fake.calls).toEqual(['registerSchemesAsPrivileged', 'setPath:userData', 'requestSingleInstanceLock']);
    expect(fake.app.setAppUserModelId).toHaveBeenCalledWith('com.echoworkstation.app');
    expect(fake.windows).toHaveLength(0); // nothing before 'ready'

    await fake.becomeReady();
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0]!;
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(window.options.webPreferences.preload).toBe(join(ws.appPath, 'out', 'preload', 'index.cjs'));
    expect(window.loadURL).toHaveBeenCalledWith('app://echo/index.html');
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);

    // The window's WebContents got the navigation guard when it was created.
    expect(window.webContents.listenerCount('will-navigate')).toBe(1);
    expect(window.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://example.com/');

    // The UI is served from out/renderer with the strict CSP.
    const response = await fake.protocolHandlers.get('app')!({ url: 'app://echo/index.html', method: 'GET' });
    expect(await response.text()).toContain('Echo UI');
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self';/);
    const headers = fake.headers()!;
    const answered: unknown[] = [];
    headers({ url: 'app://echo/index.html', responseHeaders: {} }, (r: unknown) => answered.push(r));
    headers({ url: 'https://api.binance.com/', responseHeaders: {} }, (r: unknown) => answered.push(r));
    expect(answered[0]).toMatchObject({ responseHeaders: { 'Content-Security-Policy': [expect.stringContaining("default-src 'none'")] } });
    expect(answered[1]).toEqual({});

    // Permission prompts are refused.
    const granted: boolean[] = [];
    fake.permissionHandlers.request!({ getURL: () => 'app://echo/index.html' }, 'media', (g: boolean) => granted.push(g), {});
    expect(granted).toEqual([false]);

    // One IPC channel; the app page may call, another page may not.
    const invoke = fake.ipcHandlers.get(IPC_INVOKE_CHANNEL)!;
    expect([...fake.ipcHandlers.keys()]).toEqual([IPC_INVOKE_CHANNEL]);
    await expect(invoke({ senderFrame: { url: 'app://echo/index.html' } }, 'system.health', {})).resolves.toMatchObject({
      ok: true,
      data: { status: 'ok', version: '9.9.9' },
    });
    await expect(invoke({ senderFrame: { url: 'https://evil.example/' } }, 'system.health', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    // Tray and menu; the local API server is off by default.
    expect(fake.trays[0]).toMatchObject({ icon: join('/opt/echo/resources', 'resources', 'tray.png'), tooltip: 'Echo Workstation: running\nLocal API: off' });
    const menuLabels = JSON.stringify(fake.menu()?.template);
    expect(menuLabels).toContain('Enable Local API Server');

    // Push events reach the app window.
    desktop!.sendPush('domain-event', { id: 1, type: 'RiskBreached', severity: 'critical', task_id: null, code: 'MAX_DRAWDOWN', message: 'Drawdown over limit', time: new Date().toISOString() });
    expect(window.webContents.sent).toEqual([['echo:event:domain-event', expect.objectContaining({ code: 'MAX_DRAWDOWN' })]]);

    await quitApp(fake);
  });

  it('closes to the tray on Windows (telling the trader once) and quits from the tray', async () => {
    const ws = workspace();
    const fake = fakeElectron({ userData: ws.userData, appPath: ws.appPath });
    startDesktopApp(fake.electron, { argv: ['echo', `--data-dir=${ws.dataDir}`], env: {}, platform: 'win32', resourcesPath: '/r' });
    await fake.becomeReady();
    const window = fake.windows[0]!;
    const close = () => {
      const event = { prevented: false, preventDefault() {
        this.prevented = true;
      } };
      window.emit('close', event);
      return event.prevented;
    };
    expect(close()).toBe(true);
    expect(window.hide).toHaveBeenCalledOnce();
    expect(close()).toBe(true);
    expect(fake.notifications).toHaveLength(1);
    expect(fake.notifications[0]).toMatchObject({ title: 'Echo Workstation is still running' });
    expect(window.webContents.sent.filter(([channel]) => channel === 'echo:event:notification')).toHaveLength(1);

    // The second launch brings the window back.
    fake.app.emit('second-instance');
    expect(window.show).toHaveBeenCalled();

    await quitApp(fake);
    expect(close()).toBe(false); // once quitting, the window really closes
  });

  it('turns the local API on with --port, and the menu switch turns it off and saves the choice', async () => {
    const ws = workspace();
    const fake = fakeElectron({ userData: ws.userData, appPath: ws.appPath });
    startDesktopApp(fake.electron, { argv: ['echo', '--data-dir', ws.dataDir, '--port', '0', '--hidden'], env: {}, platform: 'linux', resourcesPath: '/r' });
    await fake.becomeReady();
    fake.windows[0]!.emit('ready-to-show');
    expect(fake.windows[0]!.visible).toBe(false); // --hidden

    const tooltip = fake.trays[0]!.tooltip;
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(tooltip)?.[1]);
    expect(port, tooltip).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toMatchObject({ success: true, data: { version: '9.9.9' } });

    const findItem = (label: string) => {
      const walk = (items: Array<Record<string, any>>): Record<string, any> | undefined =>
        items.map((i) => (i.label === label ? i : Array.isArray(i.submenu) ? walk(i.submenu) : undefined)).find(Boolean);
      return walk(fake.menu()!.template)!;
    };
    expect(findItem('Enable Local API Server').checked).toBe(true);
    findItem('Enable Local API Server').click({ checked: false });
    await vi.waitFor(() => expect(fake.trays[0]!.tooltip).toContain('Local API: off'));
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(JSON.parse(readFileSync(join(ws.dataDir, 'settings.json'), 'utf8'))).toMatchObject({ apiServer: { enabled: false, port: 8000 } });

    await quitApp(fake);
  });

  it('steps aside when another instance holds the data folder', () => {
    const ws = workspace();
    const fake = fakeElectron({ userData: ws.userData, appPath: ws.appPath, lock: false });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    cleanup.push(() => log.mockRestore());
    expect(startDesktopApp(fake.electron, { argv: ['echo'], env: {}, platform: 'darwin', resourcesPath: '/r' })).toBeUndefined();
    expect(fake.app.quit).toHaveBeenCalled();
    // The default data folder is the one every command uses (src/server/data-dir.ts), Electron's userData for our name.
    expect(fake.app.setPath).toHaveBeenCalledWith('userData', defaultDataDir('darwin', {}));
  });

  it('shows an error box and exits when the engine cannot start', async () => {
    const ws = workspace();
    writeFileSync(join(ws.appPath, 'not-a-folder'), 'x');
    const fake = fakeElectron({ userData: ws.userData, appPath: ws.appPath });
    startDesktopApp(fake.electron, { argv: ['echo'], env: { ECHO_DATA_DIR: join(ws.appPath, 'not-a-folder') }, platform: 'linux', resourcesPath: '/r' });
    fake.app.ready = true;
    fake.app.readyDeferred.resolve();
    await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(1));
    expect(fake.dialog.showErrorBox).toHaveBeenCalledWith('Echo Workstation cannot start', expect.any(String));
    expect(fake.windows).toHaveLength(0);
  });
});
