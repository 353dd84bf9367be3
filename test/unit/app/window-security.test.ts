import { describe, expect, it, vi } from 'vitest';
import {
  hardenSession,
  hardenWindow,
  isAppUrl,
  openExternalChecked,
  secureWebPreferences,
  type AppOrigin,
  type HardenableSession,
  type HardenableWindow,
} from '../../../main/app/window-security.ts';

const origin: AppOrigin = {
  rendererDirUrl: 'file:///Applications/Switchboard.app/Contents/Resources/app.asar/out/renderer/',
};
const APP_PAGE = `${origin.rendererDirUrl}index.html`;

/** A fake window recording the handlers hardening installs. */
function fakeWindow() {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const win = {
    webContents: {
      on: (event: string, handler: (...args: unknown[]) => void) => {
        handlers.set(event, handler);
      },
      setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => {
        openHandler = handler;
      },
    },
  } as unknown as HardenableWindow;
  const event = () => ({ preventDefault: vi.fn() });
  return { win, handlers, open: (url: string) => openHandler?.({ url }), event };
}

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('isAppUrl', () => {
  it('accepts only our renderer files (and the dev server when configured)', () => {
    expect(isAppUrl(APP_PAGE, origin)).toBe(true);
    expect(isAppUrl(`${APP_PAGE}#/servers/x`, origin)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', origin)).toBe(false);
    expect(
      isAppUrl(
        'file:///Applications/Switchboard.app/Contents/Resources/app.asar/out/rendererX/a.html',
        origin,
      ),
    ).toBe(false);
    expect(isAppUrl('https://evil.example/', origin)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', origin)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/x', { ...origin, devUrl: 'http://localhost:5173/' })).toBe(true);
    expect(isAppUrl('not a url', origin)).toBe(false);
  });
});

describe('hardenWindow', () => {
  it('denies window.open and sends http(s) links to the system browser only', async () => {
    const opened: string[] = [];
    const { win, open } = fakeWindow();
    hardenWindow(win, { origin, openExternal: async (url) => void opened.push(url) });
    expect(open('https://modelcontextprotocol.io/')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(open('smb://server/share')).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
    expect(opened).toEqual(['https://modelcontextprotocol.io/']);
  });

  it('denies every navigation, redirect and webview', async () => {
    const opened: string[] = [];
    const { win, handlers, event } = fakeWindow();
    hardenWindow(win, { origin, openExternal: async (url) => void opened.push(url) });
    for (const [name, url] of [
      ['will-navigate', 'https://evil.example/'],
      ['will-navigate', APP_PAGE],
      ['will-navigate', 'file:///etc/passwd'],
      ['will-redirect', 'https://evil.example/'],
      ['will-attach-webview', undefined],
    ] as const) {
      const e = event();
      handlers.get(name)?.(e, url);
      expect(e.preventDefault, `${name} ${url}`).toHaveBeenCalled();
    }
    await new Promise((r) => setTimeout(r, 0));
    expect(opened).toEqual(['https://evil.example/']);
  });
});

describe('openExternalChecked', () => {
  it('opens only http(s) URLs without credentials', async () => {
    const opened: string[] = [];
    const open = async (url: string) => void opened.push(url);
    expect(await openExternalChecked('https://a.example/x', open)).toBe(true);
    expect(await openExternalChecked('http://b.example/', open)).toBe(true);
    expect(await openExternalChecked('https://user:pw@c.example/', open)).toBe(false);
    expect(await openExternalChecked('file:///etc/passwd', open)).toBe(false);
    expect(await openExternalChecked('mailto:x@y.z', open)).toBe(false);
    expect(opened).toEqual(['https://a.example/x', 'http://b.example/']);
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const recorded: {
      request?: (wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void;
      check?: (wc: unknown, permission: string, origin: string) => boolean;
      headers?: (details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void;
    } = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (recorded.request = h),
      setPermissionCheckHandler: (h: never) => (recorded.check = h),
      webRequest: { onHeadersReceived: (h: never) => (recorded.headers = h) },
    } as unknown as HardenableSession;
    return { session, recorded };
  }
  const contents = (url: string) => ({ getURL: () => url });

  it('denies permission requests (clipboard writing for our own page excepted)', () => {
    const { session, recorded } = fakeSession();
    hardenSession(session, { origin });
    const ask = (permission: string, url: string) => {
      let granted: boolean | undefined;
      recorded.request?.(contents(url), permission, (g) => (granted = g), {});
      return granted;
    };
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'hid',
      'usb',
    ]) {
      expect(ask(permission, APP_PAGE), permission).toBe(false);
    }
    expect(ask('clipboard-sanitized-write', APP_PAGE)).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(recorded.check?.(contents(APP_PAGE), 'media', 'file:///')).toBe(false);
    expect(recorded.check?.(null, 'clipboard-sanitized-write', 'file:///')).toBe(false);
  });

  it('adds the strict CSP to every response', () => {
    const { session, recorded } = fakeSession();
    hardenSession(session, { origin });
    let result: { responseHeaders: Record<string, string[]> } | undefined;
    recorded.headers?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (result = r as typeof result));
    expect(result?.responseHeaders['X-Other']).toEqual(['1']);
    const csp = result?.responseHeaders['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });
});
