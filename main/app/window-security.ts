import type { BrowserWindow, Session, WebPreferences } from 'electron';
import { cspHeader, CSP_DIRECTIVES, DEV_CSP_DIRECTIVES } from '../web/content-security-policy.ts';

/**
 * Every window goes through here: one set of web preferences, one hardening function for its contents,
 * one for its session. The renderer is untrusted by design; it can only call the contract through the
 * preload, and cannot navigate, open windows, ask for permissions or load anything from elsewhere.
 */

/** The web preferences of every Switchboard window. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/** Which URLs are our own app: the built renderer (file://) or, in development only, the Vite dev server. */
export interface AppOrigin {
  /** file:// URL of the renderer folder, ending with '/'. */
  rendererDirUrl: string;
  /** http://localhost:5173/ style URL of a dev server, only when the app is not packaged. */
  devUrl?: string;
}

/** True when `url` is a page of our app (anything else is the web, and never trusted). */
export function isAppUrl(url: string, origin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    return parsed.href.startsWith(origin.rendererDirUrl) && !parsed.pathname.includes('/../');
  }
  if (origin.devUrl !== undefined) return parsed.origin === new URL(origin.devUrl).origin;
  return false;
}

/** Opens a link in the person's browser, but only http(s) links without credentials. */
export async function openExternalChecked(
  url: string,
  openExternal: (url: string) => Promise<void>,
): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  await openExternal(parsed.href);
  return true;
}

/** The parts of a BrowserWindow hardening touches (a fake in unit tests). */
export interface HardenableWindow {
  webContents: Pick<BrowserWindow['webContents'], 'on' | 'setWindowOpenHandler'>;
}

/** Denies navigation away from the app and every new window; http(s) links go to the system browser. */
export function hardenWindow(
  win: HardenableWindow,
  options: { origin: AppOrigin; openExternal: (url: string) => Promise<void> },
): void {
  const external = (url: string) => void openExternalChecked(url, options.openExternal).catch(() => false);
  win.webContents.setWindowOpenHandler(({ url }) => {
    external(url);
    return { action: 'deny' };
  });
  // In-app routing changes only the hash, which is not a navigation: every real navigation leaves the app.
  win.webContents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (!isAppUrl(url, options.origin)) external(url);
  });
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Permissions the window may have: writing to the clipboard (Copy buttons), from our own pages only. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** The parts of a Session hardening touches. */
export type HardenableSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'
>;

/** Denies permission requests and applies the CSP header to every response the session loads. */
export function hardenSession(
  session: HardenableSession,
  options: { origin: AppOrigin; dev?: boolean },
): void {
  const allowed = (permission: string, url: string) =>
    ALLOWED_PERMISSIONS.has(permission) && isAppUrl(url, options.origin);
  // The page's own URL, not the requesting origin: a file:// origin is just "file:///".
  session.setPermissionRequestHandler((webContents, permission, callback) => {
    callback(allowed(permission, webContents.getURL()));
  });
  session.setPermissionCheckHandler((webContents, permission) =>
    webContents === null ? false : allowed(permission, webContents.getURL()),
  );
  const csp = cspHeader(options.dev ? DEV_CSP_DIRECTIVES : CSP_DIRECTIVES);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}
