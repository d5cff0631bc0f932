import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Builds the real bundles (`electron-vite build`) and boots out/main/index.js in plain Node with 'electron'
 * mapped to a fake module: proves the ESM bundle's imports of external packages resolve, the preload is one
 * CommonJS file with nothing but 'electron' required, and the app comes up end to end (database, IPC, app://).
 */

const root = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'echo-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FAKE_ELECTRON = `
import { EventEmitter } from 'node:events';
const log = (...parts) => console.log(JSON.stringify(parts));
const fake = (globalThis.__fake = { ipc: new Map(), protocols: new Map(), windows: [], tooltips: [] });
export const app = Object.assign(new EventEmitter(), {
  isPackaged: true, paths: { userData: process.env.FAKE_USER_DATA },
  getPath(name) { return this.paths[name]; }, setPath(name, value) { this.paths[name] = value; },
  requestSingleInstanceLock: () => true, setAppUserModelId() {}, setAboutPanelOptions() {},
  getAppPath: () => process.env.FAKE_APP_PATH, getVersion: () => '0.0.0-bundle', isReady: () => true,
  whenReady: () => Promise.resolve(),
  quit() {
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    app.emit('before-quit', event); app.emit('will-quit', event);
    if (!event.prevented) { log('quit'); process.exit(0); }
  },
  exit(code) { log('exit', code); process.exit(code); },
});
class WebContents extends EventEmitter {
  url = ''; setWindowOpenHandler() {} send() {} getURL() { return this.url; } isDestroyed() { return false; }
}
export class BrowserWindow extends EventEmitter {
  webContents = new WebContents();
  constructor(options) { super(); fake.windows.push(this); log('window', options.webPreferences); app.emit('web-contents-created', {}, this.webContents); }
  static getAllWindows() { return fake.windows; }
  async loadURL(url) { this.webContents.url = url; log('load', url); }
  show() {} hide() {} focus() {} restore() {} reload() {} isMinimized() { return false; } isDestroyed() { return false; }
}
export class Tray extends EventEmitter { constructor(icon) { super(); log('tray', icon); } setToolTip(text) { fake.tooltips.push(text); log('tooltip', text); } setContextMenu() {} destroy() {} }
export class Notification extends EventEmitter { static isSupported() { return true; } show() {} }
export const dialog = { showErrorBox: (title, message) => log('error-box', title, message) };
export const ipcMain = { handle: (channel, listener) => fake.ipc.set(channel, listener) };
export const Menu = { buildFromTemplate: (template) => ({ template }), setApplicationMenu() {} };
export const protocol = { registerSchemesAsPrivileged() {}, handle: (scheme, handler) => fake.protocols.set(scheme, handler) };
export const session = { defaultSession: { webRequest: { onHeadersReceived() {} }, setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } };
export const shell = { openExternal: async () => {}, openPath: async () => '' };
`;

const DRIVER = `
process.resourcesPath = process.env.FAKE_APP_PATH;
process.argv = [process.argv[0], '--data-dir', process.env.FAKE_DATA_DIR, '--port', '0'];
await import(process.env.MAIN_BUNDLE);
const fake = globalThis.__fake;
// Ready once the local API server (--port 0) is up: the last step of start-up.
for (let i = 0; i < 200 && !fake.tooltips.some((t) => t.includes('Local API: on')); i++) await new Promise((r) => setTimeout(r, 50));
const invoke = fake.ipc.get('echo:invoke');
const appPage = { senderFrame: { url: 'app://echo/index.html' } };
console.log(JSON.stringify(['ipc', await invoke(appPage, 'system.health', {})]));
console.log(JSON.stringify(['ipc', await invoke(appPage, 'capital.createPortfolio', { total_capital: 2500 })]));
const page = await fake.protocols.get('app')({ url: 'app://echo/', method: 'GET' });
console.log(JSON.stringify(['page', page.status, page.headers.get('content-security-policy'), await page.text()]));
fake.windows[0].emit('close', { preventDefault() {} });
(await import('electron')).app.quit();
`;

function events(stdout: string): unknown[][] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('['))
    .map((line) => JSON.parse(line) as unknown[]);
}

describe('the built Electron bundles', () => {
  it('build, and the main bundle boots against a fake Electron in plain Node', () => {
    // app.getAppPath() → a folder holding the fresh build in out/ and the project's node_modules (linked), as a
    // packaged app.asar holds both.
    const appPath = join(work, 'app');
    const outDir = join(appPath, 'out');
    const build = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'error'],
      { cwd: root, encoding: 'utf8', timeout: 240_000 },
    );
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);

    // The sandboxed preload: one CommonJS file that requires nothing but 'electron'.
    const preload = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld');
    expect(existsSync(join(outDir, 'renderer', 'index.html'))).toBe(true);

    symlinkSync(join(root, 'node_modules'), join(appPath, 'node_modules'), 'junction');
    const fakeDir = join(work, 'fake');
    mkdirSync(fakeDir, { recursive: true });
    writeFileSync(join(fakeDir, 'electron.mjs'), FAKE_ELECTRON);
    writeFileSync(
      join(fakeDir, 'hooks.mjs'),
      `export async function resolve(specifier, context, next) {
         if (specifier === 'electron') return { url: ${JSON.stringify(pathToFileURL(join(fakeDir, 'electron.mjs')).href)}, shortCircuit: true };
         return next(specifier, context);
       }`,
    );
    writeFileSync(join(fakeDir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(join(fakeDir, 'hooks.mjs')).href)});`);
    writeFileSync(join(fakeDir, 'driver.mjs'), DRIVER);

    const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(fakeDir, 'register.mjs')).href, join(fakeDir, 'driver.mjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        ECHO_DATA_DIR: '',
        MAIN_BUNDLE: pathToFileURL(join(outDir, 'main', 'index.js')).href,
        FAKE_APP_PATH: appPath,
        FAKE_USER_DATA: join(work, 'userData'),
        FAKE_DATA_DIR: join(work, 'data'),
      },
    });
    const seen = events(run.stdout);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);

    expect(seen).toContainEqual(['window', expect.objectContaining({ sandbox: true, contextIsolation: true, preload: join(appPath, 'out', 'preload', 'index.cjs') })]);
    expect(seen).toContainEqual(['load', 'app://echo/index.html']);
    expect(seen).toContainEqual(['tray', join(appPath, 'resources', process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png')]);
    expect(seen.find((e) => e[0] === 'tooltip' && String(e[1]).includes('Local API: on at 127.0.0.1:'))).toBeDefined();
    const ipc = seen.filter((e) => e[0] === 'ipc').map((e) => e[1]);
    expect(ipc[0]).toMatchObject({ ok: true, data: { status: 'ok', version: '0.0.0-bundle' } });
    expect(ipc[1]).toMatchObject({ ok: true, data: { portfolio_id: 1, total_capital: 2500 } });
    const page = seen.find((e) => e[0] === 'page')!;
    expect(page[1]).toBe(200);
    expect(page[2]).toMatch(/^default-src 'none'/);
    expect(page[3]).toContain('<div id="root">');
    expect(seen.at(-1)).toEqual(['quit']);
    expect(existsSync(join(work, 'data', 'settings.json'))).toBe(false); // --port does not rewrite settings
  }, 300_000);
});
