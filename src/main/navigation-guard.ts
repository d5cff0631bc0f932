/**
 * Which URLs count as "our app", and what to do when a page tries to go anywhere else.
 * The UI is served from a custom `app://echo/` scheme (not file://, whose origin would let a page read local files);
 * during `electron-vite dev` the loopback Vite dev server is trusted too.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'echo';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface UrlTrust {
  /** The URL the main window loads. */
  readonly entryUrl: string;
  /** The dev server origin when one is trusted (development only), for the CSP. */
  readonly devServerOrigin: string | undefined;
  isTrustedAppUrl(url: string): boolean;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `devServerUrl` (electron-vite's ELECTRON_RENDERER_URL) is honoured only when the caller says the app is
 * unpackaged, and only for a plain-http loopback address: a packaged app never trusts a server.
 */
export function createUrlTrust(options: { devServerUrl?: string | undefined; isPackaged: boolean }): UrlTrust {
  let devOrigin: string | undefined;
  if (!options.isPackaged && options.devServerUrl) {
    const dev = parse(options.devServerUrl);
    if (dev && dev.protocol === 'http:' && LOOPBACK_HOSTS.has(dev.hostname) && !dev.username && !dev.password) devOrigin = dev.origin;
  }
  return {
    entryUrl: devOrigin && options.devServerUrl ? options.devServerUrl : APP_ENTRY_URL,
    devServerOrigin: devOrigin,
    isTrustedAppUrl(url: string): boolean {
      const parsed = parse(url);
      if (!parsed) return false;
      if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST && !parsed.username && !parsed.password;
      return devOrigin !== undefined && parsed.origin === devOrigin;
    },
  };
}

/** Links a trader may open in the system browser (docs, exchange pages): https only, no embedded credentials. */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && parsed.protocol === 'https:' && !parsed.username && !parsed.password && parsed.hostname !== '';
}

export type NavigationDecision = { action: 'allow' } | { action: 'deny'; openExternally: boolean };

/** `will-navigate` / `will-redirect`: stay inside the app; an https link goes to the system browser instead. */
export function decideNavigation(trust: UrlTrust, url: string): NavigationDecision {
  if (trust.isTrustedAppUrl(url)) return { action: 'allow' };
  return { action: 'deny', openExternally: isSafeExternalUrl(url) };
}

/** `setWindowOpenHandler`: the app never opens Electron windows for pages; https links go to the system browser. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) };
}

/**
 * Permission requests (camera, geolocation, notifications, ...) are all refused: the app needs none of them.
 * The one exception is writing text to the clipboard from our own pages ("copy API token" and the like).
 */
const PERMISSIONS_FOR_APP_PAGES = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(trust: UrlTrust, permission: string, requestingUrl: string): boolean {
  return PERMISSIONS_FOR_APP_PAGES.has(permission) && trust.isTrustedAppUrl(requestingUrl);
}
