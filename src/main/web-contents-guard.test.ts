import { describe, expect, it, vi } from 'vitest';
import { createUrlTrust } from './navigation-guard';
import { denyPermissions, guardWebContents, type GuardableWebContents, type PreventableEvent } from './web-contents-guard';

function fakeContents() {
  const listeners = new Map<string, (event: PreventableEvent, url?: string) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: GuardableWebContents = {
    on: (event: string, listener: (event: PreventableEvent, url?: string) => void) => listeners.set(event, listener),
    setWindowOpenHandler: (handler) => {
      openHandler = handler;
    },
  };
  const fire = (name: string, url: string, legacy = false) => {
    const event = { preventDefault: vi.fn(), ...(legacy ? {} : { url }) };
    listeners.get(name)!(event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }), listeners };
}

describe('web contents guard', () => {
  const trust = createUrlTrust({ isPackaged: true });

  it('lets the app navigate within itself and blocks everything else', () => {
    const openExternal = vi.fn();
    const { contents, fire } = fakeContents();
    guardWebContents(contents, { trust, openExternal });
    expect(fire('will-navigate', 'app://echo/index.html')).toBe(false);
    expect(fire('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://evil.example/phish'); // the trader clicked it: the browser shows it
    expect(fire('will-navigate', 'file:///etc/passwd', true)).toBe(true);
    expect(fire('will-redirect', 'https://elsewhere.example/')).toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(1); // redirects are never opened
  });

  it('refuses webviews and new windows', () => {
    const openExternal = vi.fn();
    const onBlocked = vi.fn();
    const { contents, fire, open } = fakeContents();
    guardWebContents(contents, { trust, openExternal, onBlocked });
    expect(fire('will-attach-webview', '')).toBe(true);
    expect(open('app://echo/index.html')).toEqual({ action: 'deny' });
    expect(open('https://docs.example/')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith('https://docs.example/');
    expect(onBlocked).toHaveBeenCalledWith('webview', '');
  });

  it('answers permission requests and checks with "no"', () => {
    let request: Parameters<Parameters<typeof denyPermissions>[0]['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<Parameters<typeof denyPermissions>[0]['setPermissionCheckHandler']>[0] | undefined;
    denyPermissions({ setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) }, trust);
    const appPage = { getURL: () => 'app://echo/index.html' };
    const answers: boolean[] = [];
    request!(appPage, 'media', (granted) => answers.push(granted), {});
    request!(appPage, 'geolocation', (granted) => answers.push(granted), { requestingUrl: 'app://echo/index.html' });
    request!(appPage, 'clipboard-sanitized-write', (granted) => answers.push(granted), {});
    expect(answers).toEqual([false, false, true]);
    expect(check!(null, 'notifications', 'app://echo', {})).toBe(false);
    expect(check!(null, 'clipboard-sanitized-write', 'https://evil.example', {})).toBe(false);
  });
});
