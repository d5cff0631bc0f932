import { decideNavigation, decideWindowOpen, isPermissionAllowed, type UrlTrust } from './navigation-guard';

/**
 * Applies the navigation rules to every WebContents the app creates (hooked on app 'web-contents-created',
 * so a window added later cannot forget them). Electron objects arrive as parameters; these are the slices used.
 */

export interface PreventableEvent {
  preventDefault(): void;
  /** Electron ≥ 25 puts the target here; older versions pass it as the second argument. */
  url?: string;
}

export interface GuardableWebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardDeps {
  trust: UrlTrust;
  /** Opens a vetted https URL in the system browser (Electron's shell.openExternal). */
  openExternal(url: string): void;
  onBlocked?(what: 'navigation' | 'redirect' | 'window' | 'webview', url: string): void;
}

export function guardWebContents(contents: GuardableWebContents, deps: GuardDeps): void {
  const block = (what: 'navigation' | 'redirect') => (event: PreventableEvent, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? '';
    const decision = decideNavigation(deps.trust, url);
    if (decision.action === 'allow') return;
    event.preventDefault();
    deps.onBlocked?.(what, url);
    // A clicked https link is what the trader wanted to read: show it in the browser, outside the app.
    if (decision.openExternally && what === 'navigation') deps.openExternal(url);
  };
  contents.on('will-navigate', block('navigation'));
  contents.on('will-redirect', block('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.onBlocked?.('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    deps.onBlocked?.('window', url);
    if (decision.openExternally) deps.openExternal(url);
    return { action: 'deny' };
  });
}

export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (webContents: { getURL(): string }, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: { getURL(): string } | null, permission: string, requestingOrigin: string, details: { requestingUrl?: string }) => boolean,
  ): void;
}

/** Every permission prompt is answered "no" (see isPermissionAllowed for the one exception). */
export function denyPermissions(session: PermissionSession, trust: UrlTrust): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionAllowed(trust, permission, details.requestingUrl ?? webContents.getURL()));
  });
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin, details) =>
    isPermissionAllowed(trust, permission, details.requestingUrl ?? webContents?.getURL() ?? requestingOrigin),
  );
}
