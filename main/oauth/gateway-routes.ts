import { z } from 'zod';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { resolveDefinition } from '../env/resolve-definition.ts';
import type { CallerIdentity } from '../gateway/gateway-core.ts';
import type { GatewayRoute } from '../gateway/http/gateway-app.ts';
import { jsonRpcErrorResponse, RPC } from '../gateway/http/json-rpc-response.ts';
import { BRIDGE_CLIENT_NAME } from '../tokens/bearer.ts';
import type { Clock } from '../lib/clock.ts';
import type { ErrorInfo } from '../lib/errors.ts';
import { SwitchboardError, toErrorInfo } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { ConnectAttempt } from './connect-attempts.ts';
import type { CredentialStatus } from './grant-record.ts';
import type { FetchLike } from './oauth-http.ts';
import type { OAuthManager } from './oauth-manager.ts';
import type { PassThroughServer } from './pass-through-metadata.ts';
import { createPassThroughMetadata } from './pass-through-metadata.ts';
import { createPassThroughRelay } from './pass-through-relay.ts';

/**
 * The OAuth-related routes of the gateway port, besides GET /oauth/callback:
 * - RFC 9728 / RFC 8414 / OIDC metadata for pass-through servers (root and path-inserted forms);
 * - the pass-through relay `ALL /mcp/<prefix>/mcp` (gateway token in X-Switchboard-Token);
 * - `POST /admin/auth/connect` + `GET /admin/auth/connect/<id>`: a CLI in another process asks the running
 *   hub, which owns the callback listener, to run a Connect (bridge token only; see
 *   docs/decisions/oauth-wiring.md).
 */

export interface OAuthGatewayRoutesDeps {
  servers: { list(): StoredServer[]; find(prefix: string): StoredServer | undefined };
  /** The person's variable values of a server (a pass-through URL may reference `${NAME}`). */
  values(prefix: string): Record<string, string | undefined>;
  oauth: Pick<OAuthManager, 'attempts' | 'status'>;
  clock: Clock;
  log: Logger;
  fetch?: FetchLike;
}

/** Where a Connect started over HTTP stands; also the JSON both admin routes answer with. */
export type RemoteConnectState =
  | { id: string; state: 'pending'; prefix: string; authorizationUrl?: string }
  | { id: string; state: 'connected'; prefix: string; status: CredentialStatus }
  | { id: string; state: 'failed'; prefix: string; error: ErrorInfo };

/** Path of the admin route that starts a Connect in the running hub. */
export const ADMIN_CONNECT_PATH = '/admin/auth/connect';

const ConnectBodySchema = z.strictObject({
  prefix: z.string().min(1).max(200),
  scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
});

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** The routes, ready for `startLocalGateway({ routes })`. */
export function createOAuthGatewayRoutes(deps: OAuthGatewayRoutesDeps): GatewayRoute[] {
  const log = deps.log.child({ component: 'oauth-routes' });

  const passThroughServers = (): StoredServer[] =>
    deps.servers.list().filter((s) => s.enabled && s.transport !== 'stdio' && s.passThrough === true);

  /** The upstream URL with its variables filled; undefined while a referenced variable has no value. */
  const upstreamUrl = (server: StoredServer): string | undefined => {
    const resolution = resolveDefinition(server, deps.values(server.prefix));
    return resolution.ok && resolution.server.transport !== 'stdio' ? resolution.server.url : undefined;
  };

  const metadata = createPassThroughMetadata({
    servers: () =>
      passThroughServers().flatMap((s): PassThroughServer[] => {
        const url = upstreamUrl(s);
        return url === undefined ? [] : [{ prefix: s.prefix, url, name: s.name }];
      }),
    clock: deps.clock,
    fetch: deps.fetch,
  });
  const relay = createPassThroughRelay({ fetch: deps.fetch });

  const wellKnown = (
    base: string,
    handler: (request: Request) => Promise<Response | undefined>,
  ): GatewayRoute[] => [base, `${base}/*`].map((path) => ({ method: 'GET', path, auth: 'none', handler }));

  const relayRoute: GatewayRoute = {
    method: 'ALL',
    path: '/mcp/:prefix/mcp',
    auth: 'gateway-token-header',
    handler: async (request, { params }) => {
      const prefix = params.prefix ?? '';
      const server = passThroughServers().find((s) => s.prefix === prefix);
      if (!server) {
        return jsonRpcErrorResponse(
          404,
          RPC.serverError,
          `Not Found: "${prefix}" is not a pass-through server (use /mcp/${prefix} for Switchboard's own credentials)`,
        );
      }
      const url = upstreamUrl(server);
      if (url === undefined) {
        return jsonRpcErrorResponse(
          503,
          RPC.serverError,
          `${prefix} needs configuration: set its variables with \`switchboard var set\` or \`switchboard secret set\``,
        );
      }
      return relay(request, { prefix, url });
    },
  };

  // ---- remote Connect (a CLI in another process): the manager's attempts, in the CLI's wire shape ----

  const isBridge = (caller: CallerIdentity | undefined) =>
    caller !== undefined && caller.tokenId === undefined && caller.clientName === BRIDGE_CLIENT_NAME;
  const forbidden = () =>
    jsonRpcErrorResponse(
      403,
      RPC.serverError,
      'Forbidden: only the local CLI (with the bridge token of the data directory) may do this',
    );
  const json = (value: unknown, status = 200) =>
    new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });

  const startConnect: GatewayRoute = {
    method: 'POST',
    path: ADMIN_CONNECT_PATH,
    auth: 'bearer',
    handler: async (request, { caller }) => {
      if (!isBridge(caller)) return forbidden();
      let body: z.output<typeof ConnectBodySchema>;
      try {
        body = ConnectBodySchema.parse(await request.json());
      } catch {
        return json(
          { error: { code: 'VALIDATION', message: 'body must be {"prefix": string, "scopes"?: string[]}' } },
          400,
        );
      }
      const { prefix } = body;
      let attempt: ConnectAttempt;
      try {
        if (!deps.servers.find(prefix))
          throw new SwitchboardError('NOT_FOUND', `no server has the prefix "${prefix}"`);
        // The CLI prints the address for the person; this hub also tries the browser of this machine.
        attempt = await deps.oauth.attempts.start(prefix, {
          scopes: body.scopes?.length ? body.scopes : undefined,
          open: true,
          onChange: (next) => {
            if (next.state === 'failed' || next.state === 'timed_out')
              log.info('a Connect started from the CLI did not finish', { prefix, code: next.error?.code });
          },
        });
      } catch (error) {
        return json({ error: toErrorInfo(error) }, 400);
      }
      return json(wireState(attempt), 202);
    },
  };

  const connectState: GatewayRoute = {
    method: 'GET',
    path: `${ADMIN_CONNECT_PATH}/:id`,
    auth: 'bearer',
    handler: (_request, { caller, params }) => {
      if (!isBridge(caller)) return forbidden();
      const attempt = deps.oauth.attempts.get(params.id ?? '');
      return attempt
        ? json(wireState(attempt))
        : json(
            {
              error: {
                code: 'NOT_FOUND',
                message: 'no such Connect (it finished long ago, or the hub restarted)',
              },
            },
            404,
          );
    },
  };

  return [
    ...wellKnown('/.well-known/oauth-protected-resource', (r) => metadata.protectedResource(r)),
    ...wellKnown('/.well-known/oauth-authorization-server', (r) => metadata.authorizationServer(r)),
    ...wellKnown('/.well-known/openid-configuration', (r) => metadata.authorizationServer(r)),
    relayRoute,
    startConnect,
    connectState,
  ];
}

/** An attempt as the CLI reads it (remote-connect.ts): pending, connected or failed. */
function wireState(attempt: ConnectAttempt): RemoteConnectState {
  const { id, prefix } = attempt;
  if (attempt.state === 'connected' && attempt.status)
    return { id, state: 'connected', prefix, status: attempt.status };
  if (attempt.state === 'starting' || attempt.state === 'waiting') {
    return { id, state: 'pending', prefix, authorizationUrl: attempt.authorizationUrl };
  }
  const error = attempt.error ?? { code: 'INTERNAL', message: 'the Connect ended without an outcome' };
  return { id, state: 'failed', prefix, error: { code: error.code, message: error.message } };
}
