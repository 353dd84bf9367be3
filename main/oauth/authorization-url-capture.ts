import { AsyncLocalStorage } from 'node:async_hooks';
import type { OpenBrowser } from './browser-opener.ts';

/**
 * Lets code that starts a Connect on someone else's behalf (the `POST /admin/auth/connect` route a CLI in
 * another process calls) learn the authorization URL of THAT Connect, without racing other Connects: the
 * URL is handed to whoever started the connect in the same async context (AsyncLocalStorage follows the
 * awaits from `oauth.connect()` down to the manager's `openBrowser`).
 */

type Listener = (url: URL) => void;

const storage = new AsyncLocalStorage<Listener>();

/** Wraps an opener so URLs opened inside `captureAuthorizationUrl` also reach that capture. */
export function tapAuthorizationUrls(open: OpenBrowser): OpenBrowser {
  return async (url) => {
    storage.getStore()?.(url);
    await open(url);
  };
}

/** Runs `start` and reports the authorization URL its Connect opens (through a tapped opener), if any. */
export function captureAuthorizationUrl<T>(start: () => Promise<T>, onUrl: Listener): Promise<T> {
  return storage.run(onUrl, start);
}
