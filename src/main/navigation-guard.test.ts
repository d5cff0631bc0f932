import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, createUrlTrust, decideNavigation, decideWindowOpen, isPermissionAllowed, isSafeExternalUrl } from './navigation-guard';

describe('URL trust', () => {
  const packaged = createUrlTrust({ isPackaged: true, devServerUrl: 'http://localhost:5173' });
  const dev = createUrlTrust({ isPackaged: false, devServerUrl: 'http://localhost:5173/' });

  it('trusts only the app:// origin in a packaged app (a dev server URL is ignored)', () => {
    expect(packaged.entryUrl).toBe(APP_ENTRY_URL);
    expect(packaged.devServerOrigin).toBeUndefined();
    expect(packaged.isTrustedAppUrl('app://echo/index.html')).toBe(true);
    expect(packaged.isTrustedAppUrl('app://echo/assets/index.js?x=1#y')).toBe(true);
    for (const url of [
      'http://localhost:5173/',
      'app://evil/index.html',
      'app://echo.evil.com/',
      'app://user:pw@echo/',
      'file:///C:/Windows/index.html',
      'https://echo/',
      'javascript:alert(1)',
      'data:text/html,hi',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(packaged.isTrustedAppUrl(url), url).toBe(false);
    }
  });

  it('trusts the loopback dev server origin only when unpackaged', () => {
    expect(dev.entryUrl).toBe('http://localhost:5173/');
    expect(dev.devServerOrigin).toBe('http://localhost:5173');
    expect(dev.isTrustedAppUrl('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev.isTrustedAppUrl('http://localhost:5174/')).toBe(false);
    expect(dev.isTrustedAppUrl('https://localhost:5173/')).toBe(false);
    expect(dev.isTrustedAppUrl('app://echo/index.html')).toBe(true);
  });

  it('refuses a dev server URL that is not plain-http loopback', () => {
    for (const devServerUrl of ['http://example.com:5173', 'https://localhost:5173', 'http://user@localhost:5173', 'garbage']) {
      const trust = createUrlTrust({ isPackaged: false, devServerUrl });
      expect(trust.devServerOrigin, devServerUrl).toBeUndefined();
      expect(trust.entryUrl).toBe(APP_ENTRY_URL);
    }
  });
});

describe('navigation and new windows', () => {
  const trust = createUrlTrust({ isPackaged: true });

  it('allows navigation inside the app', () => {
    expect(decideNavigation(trust, 'app://echo/index.html#/capital')).toEqual({ action: 'allow' });
  });

  it('blocks navigation elsewhere, sending https links to the system browser', () => {
    expect(decideNavigation(trust, 'https://www.mql5.com/en/docs')).toEqual({ action: 'deny', openExternally: true });
    expect(decideNavigation(trust, 'http://example.com/')).toEqual({ action: 'deny', openExternally: false });
    expect(decideNavigation(trust, 'file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
  });

  it('never opens app windows; https links go to the system browser', () => {
    expect(decideWindowOpen('https://github.com/')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen('app://echo/index.html')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('smb://server/share')).toEqual({ action: 'deny', openExternally: false });
  });

  it('opens externally only https URLs without credentials', () => {
    expect(isSafeExternalUrl('https://binance.com/en/trade')).toBe(true);
    expect(isSafeExternalUrl('https://user:pass@binance.com/')).toBe(false);
    expect(isSafeExternalUrl('ms-settings:privacy')).toBe(false);
    expect(isSafeExternalUrl('file:///tmp/x.exe')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
  });

  it('denies every permission except clipboard writes from app pages', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'clipboard-read', 'hid', 'serial']) {
      expect(isPermissionAllowed(trust, permission, 'app://echo/index.html'), permission).toBe(false);
    }
    expect(isPermissionAllowed(trust, 'clipboard-sanitized-write', 'app://echo/index.html')).toBe(true);
    expect(isPermissionAllowed(trust, 'clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
  });
});
