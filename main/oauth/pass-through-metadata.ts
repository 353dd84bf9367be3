import type {
  AuthorizationServerMetadata,
  OAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/client';
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/client';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { FetchLike } from './oauth-http.ts';
import { passThroughRoute, prefixFromMetadataPath, protectedResourceMetadataPath } from './pass-through.ts';
import { probeChallenge } from './probe-challenge.ts';

/** A server whose per-server route relays the client's own token (definition `passThrough: true`). */
export interface PassThroughServer {
  prefix: string;
  url: string;
  name?: string;
}

/** What the gateway learned about an upstream's authorization, cached per server. */
export interface UpstreamAuthInfo {
  issuer: string;
  resourceMetadata: OAuthProtectedResourceMetadata;
  authorizationServer: AuthorizationServerMetadata;
  fetchedAt: number;
}

export interface PassThroughMetadataDeps {
  /** The pass-through servers, read at request time (edits apply at once). */
  servers(): PassThroughServer[];
  clock: Clock;
  fetch?: FetchLike;
  /** How long upstream metadata is reused (default 5 minutes). */
  ttlMs?: number;
}

/** Fetch-style handlers the HTTP front mounts under `/.well-known/…` (they answer undefined for other paths). */
export interface PassThroughMetadata {
  /** RFC 9728 documents: `/.well-known/oauth-protected-resource/mcp/<prefix>/mcp`, and the root form. */
  protectedResource(request: Request): Promise<Response | undefined>;
  /** RFC 8414 / OIDC documents re-advertising the upstream issuer, for clients that ask the gateway. */
  authorizationServer(request: Request): Promise<Response | undefined>;
  /** The upstream's issuer and metadata (discovered and issuer-validated, then cached). */
  upstreamAuth(server: PassThroughServer): Promise<UpstreamAuthInfo>;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'max-age=60' };

/** Creates the handlers. */
export function createPassThroughMetadata(deps: PassThroughMetadataDeps): PassThroughMetadata {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const ttlMs = deps.ttlMs ?? 5 * 60 * 1000;
  const cache = new Map<string, { url: string; info: Promise<UpstreamAuthInfo> }>();

  const discover = async (server: PassThroughServer): Promise<UpstreamAuthInfo> => {
    const challenge = await probeChallenge(server.url, fetchFn);
    const resourceMetadata = await discoverOAuthProtectedResourceMetadata(
      server.url,
      challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : undefined,
      fetchFn,
    );
    const authorizationServerUrl = resourceMetadata.authorization_servers?.[0];
    if (!authorizationServerUrl) {
      throw new SwitchboardError(
        'UPSTREAM_ERROR',
        `"${server.prefix}" names no authorization server in its protected-resource metadata.`,
      );
    }
    // Validates that the metadata's issuer is the one named (RFC 8414 §3.3), paths included.
    const authorizationServer = await discoverAuthorizationServerMetadata(authorizationServerUrl, {
      fetchFn,
    });
    if (!authorizationServer) {
      throw new SwitchboardError(
        'UPSTREAM_ERROR',
        `The authorization server of "${server.prefix}" publishes no metadata.`,
      );
    }
    return {
      issuer: authorizationServer.issuer,
      resourceMetadata,
      authorizationServer,
      fetchedAt: deps.clock.now(),
    };
  };

  const upstreamAuth = (server: PassThroughServer): Promise<UpstreamAuthInfo> => {
    const cached = cache.get(server.prefix);
    if (cached && cached.url === server.url) {
      return cached.info.then((info) => {
        if (deps.clock.now() - info.fetchedAt < ttlMs) return info;
        cache.delete(server.prefix);
        return upstreamAuth(server);
      });
    }
    const info = discover(server);
    cache.set(server.prefix, { url: server.url, info });
    info.catch(() => cache.delete(server.prefix)); // failures are not cached
    return info;
  };

  /** The server a well-known request is about, or undefined (then it is not ours to answer). */
  const target = (
    request: Request,
    kind: 'resource' | 'authorization-server',
  ): PassThroughServer | undefined | 'ambiguous' => {
    const url = new URL(request.url);
    const servers = deps.servers();
    const named = prefixFromMetadataPath(url.pathname);
    if (named) return named.kind === kind ? servers.find((s) => s.prefix === named.prefix) : undefined;
    const root =
      kind === 'resource'
        ? url.pathname === '/.well-known/oauth-protected-resource'
        : url.pathname === '/.well-known/oauth-authorization-server' ||
          url.pathname === '/.well-known/openid-configuration';
    if (!root) return undefined;
    // The root form cannot say which server it is about: answer only when that is unambiguous.
    if (servers.length === 1) return servers[0];
    return servers.length === 0 ? undefined : 'ambiguous';
  };

  const failure = (status: number, message: string) =>
    new Response(JSON.stringify({ error: 'temporarily_unavailable', error_description: message }), {
      status,
      headers: JSON_HEADERS,
    });

  return {
    upstreamAuth,
    async protectedResource(request) {
      const server = target(request, 'resource');
      if (server === undefined) return undefined;
      if (server === 'ambiguous') {
        return failure(
          404,
          'Several servers use pass-through; use /.well-known/oauth-protected-resource/mcp/<prefix>/mcp.',
        );
      }
      try {
        const info = await upstreamAuth(server);
        const origin = new URL(request.url).origin;
        const body = {
          // RFC 9728 §3.3: the URL the client uses, so its resource check and its token's audience agree.
          resource: `${origin}${passThroughRoute(server.prefix)}`,
          authorization_servers: [info.issuer],
          ...(info.resourceMetadata.scopes_supported
            ? { scopes_supported: info.resourceMetadata.scopes_supported }
            : {}),
          bearer_methods_supported: ['header'],
          resource_name: server.name ?? server.prefix,
        };
        return new Response(JSON.stringify(body), { status: 200, headers: JSON_HEADERS });
      } catch {
        return failure(502, `Could not read the authorization metadata of "${server.prefix}".`);
      }
    },
    async authorizationServer(request) {
      const server = target(request, 'authorization-server');
      if (server === undefined) return undefined;
      if (server === 'ambiguous')
        return failure(
          404,
          'Several servers use pass-through; ask the issuer named in their protected-resource metadata.',
        );
      try {
        // Verbatim: the issuer stays the upstream's (its real URL, path included), and so do all endpoints.
        const info = await upstreamAuth(server);
        return new Response(JSON.stringify(info.authorizationServer), { status: 200, headers: JSON_HEADERS });
      } catch {
        return failure(502, `Could not read the authorization metadata of "${server.prefix}".`);
      }
    },
  };
}

/** The gateway's path-inserted protected-resource metadata URL for a pass-through server. */
export function passThroughMetadataUrl(origin: string, prefix: string): string {
  return `${origin}${protectedResourceMetadataPath(passThroughRoute(prefix))}`;
}
