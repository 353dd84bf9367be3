import type http from 'node:http';
import type { Hub } from '../hub.ts';
import type { AuthHub } from '../cli/auth-commands.ts';
import { gatewayInfoPath, readGatewayInfo } from '../gateway/http/gateway-info-file.ts';
import { checkHostAndOrigin } from '../gateway/http/host-origin-check.ts';
import { listenOnLoopback } from '../gateway/http/listen-loopback.ts';
import { readBridgeToken } from '../gateway/tokens/bridge-token.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { toDefinition } from '../registry/server-repository.ts';
import { createCliOpener } from './browser-opener.ts';
import type { OAuthManager } from './oauth-manager.ts';
import { createOAuthManager } from './oauth-manager.ts';
import { connectThroughRunningHub } from './remote-connect.ts';

/**
 * What `switchboard auth …` runs on. The loopback callback of a Connect must be served on the gateway's
 * stable port by the process that holds the pending flow, so:
 * - no hub listens there: this process binds GET /oauth/callback on that port for the duration of the Connect;
 * - a hub (`serve` or the app) already listens: the Connect runs THERE (POST /admin/auth/connect with the
 *   bridge token of the data directory), and this process prints the URL it reports and waits.
 * Status, disconnect and client secrets work on the shared vault either way.
 */
export interface CliAuthHubOptions {
  env: NodeJS.ProcessEnv;
  /** A line for people (stderr). */
  print(text: string): void;
  /** How long a local Connect waits for the browser (default 5 minutes). */
  callbackTimeoutMs?: number;
}

/** The AuthHub of a CLI process over an opened hub. */
export function createCliAuthHub(hub: Hub, options: CliAuthHubOptions): AuthHub {
  const settingsPort = () => hub.registry.settings.get('gateway.port');
  let mode: { kind: 'local'; port: number } | { kind: 'remote'; origin: string } | undefined;
  let manager: OAuthManager | undefined;
  const noBrowser = options.env.SWITCHBOARD_NO_BROWSER === '1';

  const local = (): OAuthManager => {
    manager ??= createOAuthManager({
      vault: hub.vault,
      servers: {
        find: (prefix) => {
          const server = hub.registry.servers.find(prefix);
          return server === undefined ? undefined : toDefinition(server);
        },
      },
      clock: hub.clock,
      log: hub.log,
      redactor: hub.redactor,
      openBrowser: createCliOpener({ print: options.print, tryOpen: !noBrowser }),
      redirectUri: () =>
        `http://127.0.0.1:${mode?.kind === 'local' ? mode.port : settingsPort()}/oauth/callback`,
      ...(options.callbackTimeoutMs === undefined ? {} : { callbackTimeoutMs: options.callbackTimeoutMs }),
    });
    return manager;
  };

  const runningHub = async (): Promise<string | undefined> => {
    const info = readGatewayInfo(gatewayInfoPath(hub.dataDir));
    const ports = [...new Set([info?.port, settingsPort()].filter((p): p is number => p !== undefined))];
    for (const port of ports) {
      const origin = `http://127.0.0.1:${port}`;
      try {
        const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
        const body = (await response.json().catch(() => undefined)) as { service?: unknown } | undefined;
        if (response.ok && body?.service === 'switchboard') return origin;
      } catch {
        // Nothing (or something else) there.
      }
    }
    return undefined;
  };

  return {
    oauth: {
      async connect(prefix, connectOptions) {
        if (mode?.kind !== 'remote') return local().connect(prefix, connectOptions);
        const bridgeToken = readBridgeToken(hub.dataDir);
        if (bridgeToken === undefined) {
          throw new SwitchboardError(
            'INTERNAL',
            'the running Switchboard has no bridge token file to authenticate with',
          );
        }
        return connectThroughRunningHub({
          origin: mode.origin,
          bridgeToken,
          prefix,
          ...(connectOptions?.scopes ? { scopes: connectOptions.scopes } : {}),
          onAuthorizationUrl: (url) =>
            options.print(`Open this page to sign in (the running Switchboard waits for it):\n  ${url.href}`),
        });
      },
      status: (prefix) => local().status(prefix),
      disconnect: (prefix) => local().disconnect(prefix),
      setClientSecret: (prefix, secret) => local().setClientSecret(prefix, secret),
      hasClientSecret: (prefix) => local().hasClientSecret(prefix),
    },
    servers: {
      list: () => hub.registry.servers.list().map(toDefinition),
      get: (prefix) => toDefinition(hub.registry.servers.get(prefix)),
    },
    async ensureOAuthCallback() {
      const origin = await runningHub();
      if (origin !== undefined) {
        mode = { kind: 'remote', origin };
        return { close: async () => {} };
      }
      const port = settingsPort();
      const handler: http.RequestListener = (req, res) => {
        const verdict = checkHostAndOrigin({ host: req.headers.host, origin: req.headers.origin }, port);
        const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
        if (!verdict.ok || req.method !== 'GET' || url.pathname !== '/oauth/callback') {
          res.writeHead(verdict.ok ? 404 : 403, { 'content-type': 'text/plain' }).end('Not Found');
          return;
        }
        void local()
          .handleCallback(url)
          .then(
            (page) => res.writeHead(page.status, page.headers).end(page.html),
            () => res.writeHead(500).end(),
          );
      };
      let listener: Awaited<ReturnType<typeof listenOnLoopback>>;
      try {
        listener = await listenOnLoopback(handler, { port, ipv6: false, log: hub.log });
      } catch (error) {
        if (error instanceof SwitchboardError && error.code === 'PORT_IN_USE') {
          throw new SwitchboardError(
            'PORT_IN_USE',
            `port ${port} (the gateway.port setting) is used by another program, so the sign-in callback cannot ` +
              'be received; stop that program or change gateway.port, then connect again',
          );
        }
        throw error;
      }
      mode = { kind: 'local', port };
      return {
        close: async () => {
          manager?.close();
          await listener.close();
        },
      };
    },
  };
}
