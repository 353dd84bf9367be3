import type http from 'node:http';
import type { HubCheck } from '../bridge/proven-hub.ts';
import { checkHub, describeCheck } from '../bridge/proven-hub.ts';
import { gatewayInfoPath, readGatewayInfo } from '../gateway/http/gateway-info-file.ts';
import { checkHostAndOrigin } from '../gateway/http/host-origin-check.ts';
import { listenOnLoopback } from '../gateway/http/listen-loopback.ts';
import type { Hub } from '../hub.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { CredentialStatus } from '../oauth/grant-record.ts';
import { connectThroughRunningHub } from '../oauth/remote-connect.ts';
import { readBridgeToken } from '../tokens/bridge-token.ts';

/**
 * Where `switchboard auth connect` runs its sign-in. The loopback callback of a Connect must be served on the
 * gateway's stable port by the process that holds the pending flow, so:
 * - no hub listens there: this process binds GET /oauth/callback on that port while the Connect waits, and
 *   the auth use-case runs here;
 * - a hub (`serve` or the app) already listens: the Connect runs THERE (POST /admin/auth/connect with the
 *   bridge token of the data directory), and this process prints the URL it reports and waits.
 * "A hub listens" means it PROVED it holds this data directory's bridge token (main/bridge/hub-proof.ts):
 * `/healthz` is not asked, since any program of any user can answer it, and the token would go to it.
 */
export type SignInPlace =
  | { kind: 'here'; close(): Promise<void> }
  | { kind: 'running-hub'; connect(prefix: string, scopes?: string[]): Promise<CredentialStatus> };

/** Finds or makes the place a CLI sign-in runs; `print` shows lines to the person (stderr). */
export async function signInPlace(hub: Hub, print: (text: string) => void): Promise<SignInPlace> {
  const port = hub.registry.settings.get('gateway.port');
  let bridgeToken: string | undefined;
  try {
    bridgeToken = readBridgeToken(hub.dataDir);
  } catch {
    bridgeToken = undefined; // damaged: no hub can prove itself with it; the hub replaces it when it starts
  }
  const found = await runningHub(hub, port, bridgeToken);
  if (found.origin !== undefined && bridgeToken !== undefined) {
    const origin = found.origin;
    return {
      kind: 'running-hub',
      connect(prefix, scopes) {
        return connectThroughRunningHub({
          origin,
          bridgeToken,
          prefix,
          scopes,
          onAuthorizationUrl: (url) =>
            print(`Open this page to sign in (the running Switchboard waits for it):\n  ${url.href}`),
        });
      },
    };
  }
  const squatted = found.checks.get(port);
  if (squatted?.kind === 'impostor') {
    throw new SwitchboardError(
      'PORT_IN_USE',
      `Cannot sign in: ${describeCheck(port, squatted)}. Port ${port} is the gateway.port setting, where the ` +
        'sign-in callback must arrive; stop that program or change gateway.port, then connect again',
    );
  }
  const handler: http.RequestListener = (req, res) => {
    const verdict = checkHostAndOrigin({ host: req.headers.host, origin: req.headers.origin }, port);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!verdict.ok || req.method !== 'GET' || url.pathname !== '/oauth/callback') {
      res.writeHead(verdict.ok ? 404 : 403, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    void hub
      .oauth()
      .then((oauth) => oauth.handleCallback(url))
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
  return { kind: 'here', close: () => listener.close() };
}

/**
 * The origin of this data directory's Switchboard if one answers on its gateway port(s) AND proves it holds
 * the bridge token; every port's check is returned too (to tell a squatter from an empty port).
 */
async function runningHub(
  hub: Hub,
  settingsPort: number,
  bridgeToken: string | undefined,
): Promise<{ origin?: string; checks: Map<number, HubCheck> }> {
  const info = readGatewayInfo(gatewayInfoPath(hub.dataDir));
  const ports = [...new Set([info?.port, settingsPort].filter((p): p is number => p !== undefined))];
  const checks = new Map<number, HubCheck>();
  for (const port of ports) {
    const check = await checkHub({ port, token: bridgeToken });
    checks.set(port, check);
    if (check.kind === 'proven') return { origin: `http://127.0.0.1:${port}`, checks };
  }
  return { checks };
}
