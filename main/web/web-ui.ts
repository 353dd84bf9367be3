import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayRoute } from '../gateway/http/gateway-app.ts';
import type { Hub } from '../hub.ts';
import type { Runtime } from '../hub-runtime.ts';
import { createHubDispatcher } from '../ipc/contract-handlers.ts';
import { forwardEvents } from '../ipc/event-forwarding.ts';
import { createWebUiRoutes, UI_BASE, type WebUiRoutes } from './web-ui-routes.ts';
import { createUiToken } from './ui-token.ts';

export interface WebUiOptions {
  hub: Hub;
  /** The app's version, for `app.info`. */
  version: string;
  /** The built renderer; default: the first of findRendererDir()'s candidates that exists. */
  staticDir?: string | undefined;
  /** Fixed token (tests); default a fresh random one per launch. */
  token?: string;
  keepAliveMs?: number;
}

/** The headless web UI: routes to mount on the gateway, and the URL to print (with this launch's token). */
export interface WebUi {
  /** For `hub.start({ routes })`. */
  routes(runtime: Runtime): GatewayRoute[];
  /** `http://127.0.0.1:<port>/ui/#token=<token>`: print it once, never log it. */
  url(port: number): string;
  /** Where the renderer is served from, or undefined when it is not built. */
  staticDir: string | undefined;
  /** How many event streams are open. */
  openStreams(): number;
  /** Ends open event streams. */
  close(): void;
}

/** Builds the web UI over the same contract handlers the desktop app uses. */
export function createWebUi(options: WebUiOptions): WebUi {
  const { hub } = options;
  const token = options.token ?? createUiToken();
  const staticDir = 'staticDir' in options ? options.staticDir : findRendererDir();
  let mounted: WebUiRoutes | undefined;
  return {
    staticDir,
    routes(runtime) {
      mounted = createWebUiRoutes({
        token,
        dispatch: createHubDispatcher({ hub, mode: 'web', version: options.version }),
        subscribe: (sink) => forwardEvents(runtime, sink, hub.log),
        staticDir,
        log: hub.log,
        keepAliveMs: options.keepAliveMs,
      });
      return mounted.routes;
    },
    url: (port) => `http://127.0.0.1:${port}${UI_BASE}/#token=${token}`,
    openStreams: () => mounted?.openStreams() ?? 0,
    close: () => mounted?.close(),
  };
}

/**
 * The built renderer: $SWITCHBOARD_UI_DIR, else `out/renderer` next to the sources (a checkout) or next to
 * the bundled CLI (out/cli/…, inside the packaged app).
 */
export function findRendererDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    env.SWITCHBOARD_UI_DIR,
    path.resolve(here, '../../out/renderer'),
    path.resolve(here, '../renderer'),
  ].filter((c): c is string => typeof c === 'string' && c !== '');
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}
