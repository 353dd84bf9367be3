import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayRoute } from '../gateway/http/gateway-app.ts';
import { createContractHandlers } from '../ipc/contract-handlers.ts';
import { createContractDispatcher } from '../ipc/dispatcher.ts';
import { forwardEvents } from '../ipc/event-forwarding.ts';
import type { IpcDeps } from '../ipc/handler-types.ts';
import type { HubServices } from '../services.ts';
import { createWebUiRoutes, UI_BASE, type WebUiRoutes } from './web-ui-routes.ts';
import { createUiToken } from './ui-token.ts';

export interface WebUiOptions {
  /** Everything of IpcDeps but the services (they exist only once the gateway starts). */
  deps: Omit<IpcDeps, 'services' | 'mode'>;
  /** The built renderer; default: the first of findRendererDir()'s candidates that exists. */
  staticDir?: string | undefined;
  /** Fixed token (tests); default a fresh random one per launch. */
  token?: string;
  keepAliveMs?: number;
}

/** The headless web UI: routes to mount on the gateway, and the one-time URL to print. */
export interface WebUi {
  /** For `startHubServices({ routes })`. */
  routes(services: HubServices): GatewayRoute[];
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
  const token = options.token ?? createUiToken();
  const staticDir = 'staticDir' in options ? options.staticDir : findRendererDir();
  let mounted: WebUiRoutes | undefined;
  return {
    staticDir,
    routes(services) {
      const deps: IpcDeps = { ...options.deps, services, mode: 'web' };
      const dispatch = createContractDispatcher(createContractHandlers(deps), {
        redact: (text) => services.hub.redactor.redact(text),
        log: services.hub.log,
      });
      mounted = createWebUiRoutes({
        token,
        dispatch,
        subscribe: (sink) => forwardEvents(services, sink, services.hub.log),
        staticDir,
        log: services.hub.log,
        ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
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
