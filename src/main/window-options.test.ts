import { describe, expect, it } from 'vitest';
import { createMainWindowOptions, hardenedWebPreferences } from './window-options';

describe('main window options', () => {
  const options = createMainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', iconPath: '/app/resources/icon.png', isDev: false, platform: 'win32' });
  const web = options.webPreferences!;

  it('sandboxes the renderer with every hardening flag set explicitly', () => {
    expect(web).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
    expect(web.enableBlinkFeatures).toBe('');
    expect(web).not.toHaveProperty('additionalArguments');
    expect(web).not.toHaveProperty('partition');
  });

  it('opens DevTools only for development builds', () => {
    expect(hardenedWebPreferences({ preloadPath: 'p', devTools: true }).devTools).toBe(true);
    expect(createMainWindowOptions({ preloadPath: 'p', isDev: true, platform: 'linux' }).webPreferences?.devTools).toBe(true);
  });

  it('waits for the first paint on a dark background', () => {
    expect(options.show).toBe(false);
    expect(options.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(options.icon).toBe('/app/resources/icon.png');
    expect(createMainWindowOptions({ preloadPath: 'p', iconPath: 'i', isDev: false, platform: 'darwin' }).icon).toBeUndefined();
  });
});
