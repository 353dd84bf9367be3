import type { Server, ServerContext } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { UpstreamPool } from '../../upstream/upstream-pool.ts';
import type { GatewayScope } from '../gateway-core.ts';
import type { CallContext, DownstreamCaller } from './downstream-caller.ts';
import { unwrapUri } from './resource-uris.ts';
import { rewritePromptResult, rewriteReadResult } from './result-rewrite.ts';
import type { Session } from './session-registry.ts';
import type { Subscriptions } from './subscriptions.ts';
import type { ScopeView, ToolRefusal } from './tool-view.ts';

/**
 * Everything of a connection besides lists and tools: prompts/get, resources/read, resource subscriptions,
 * completion and logging/setLevel. Names resolve through the scope's view (as tools do), URIs through the
 * aggregate scope's `switchboard://<prefix>/…` wrapping; the view may refuse a server (one outside the client's
 * profile) or a prompt, and the client gets that reason as an InvalidParams error; upstream failures come back as
 * JSON-RPC errors. Unsubscribing is never refused: it only lets go.
 */

export interface FeatureHandlerDeps {
  pool: Pick<UpstreamPool, 'request' | 'status'>;
  subscriptions: Subscriptions<Session>;
  log: Logger;
  view(): ScopeView;
  /** True when `prefix` names an enabled server. */
  isEnabled(prefix: string): boolean;
  callerFor(ctx: CallContext, prefix: string): DownstreamCaller;
}

/** The server and upstream URI behind a URI a client sent in `scope`. */
export function resolveUri(
  scope: GatewayScope,
  uri: string,
  isEnabled: (prefix: string) => boolean,
): { prefix: string; uri: string } {
  if (scope.kind === 'server') return { prefix: scope.prefix, uri };
  const target = unwrapUri(uri);
  if (!target || !isEnabled(target.prefix)) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Unknown resource: ${uri} (resources here look like switchboard://<server>/<uri>)`,
      { uri },
    );
  }
  return target;
}

/** A view's refusal as the JSON-RPC error of a non-tool method (the message says why and what to do). */
export function refusalError(refusal: ToolRefusal): ProtocolError {
  const { error } = refusal;
  const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
  return new ProtocolError(ProtocolErrorCode.InvalidParams, error.message, { code: error.code, ...details });
}

/** Relays an upstream failure on a non-tool method as a JSON-RPC error the client can show. */
export function relayError(error: unknown): never {
  if (error instanceof ProtocolError) throw error;
  if (error instanceof SwitchboardError)
    throw new ProtocolError(ProtocolErrorCode.InternalError, error.message, { code: error.code });
  throw error;
}

/** Registers the prompt, resource, completion and logging handlers on a connection's Server. */
export function registerFeatureHandlers(server: Server, session: Session, deps: FeatureHandlerDeps): void {
  const { scope } = session;
  const aggregate = scope.kind === 'all';
  /** Throws the view's refusal of `prefix`'s features, if any. */
  const allowed = (prefix: string, what: string) => {
    const refusal = deps.view().serverRefusal?.(prefix, what);
    if (refusal) throw refusalError(refusal);
  };
  /** A per-server route of a server the view refuses answers nothing but that. */
  const routeAllowed = () => {
    if (scope.kind === 'server') allowed(scope.prefix, `The server ${scope.prefix}`);
  };
  const uriTarget = (uri: string, what = `The resource ${uri}`) => {
    routeAllowed();
    const target = resolveUri(scope, uri, deps.isEnabled);
    allowed(target.prefix, what);
    return target;
  };
  const promptTarget = (name: string) => {
    routeAllowed();
    const target = deps.view().promptRoutes.targetOf(name);
    if (target) return target;
    const refusal = deps.view().promptRefusal?.(name);
    if (refusal) throw refusalError(refusal);
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${name}`);
  };
  const forward = (prefix: string, method: string, params: Record<string, unknown>, ctx: ServerContext) =>
    deps.pool
      .request(prefix, { method, params }, { caller: deps.callerFor(ctx, prefix), signal: ctx.mcpReq.signal })
      .catch(relayError);

  server.setRequestHandler('prompts/get', async (request, ctx) => {
    const target = promptTarget(request.params.name);
    const result = await forward(target.prefix, 'prompts/get', { ...request.params, name: target.name }, ctx);
    return (aggregate ? rewritePromptResult(target.prefix, result) : result) as never;
  });

  server.setRequestHandler('resources/read', async (request, ctx) => {
    const target = uriTarget(request.params.uri);
    const result = await forward(
      target.prefix,
      'resources/read',
      { ...request.params, uri: target.uri },
      ctx,
    );
    return (aggregate ? rewriteReadResult(target.prefix, result) : result) as never;
  });

  server.setRequestHandler('resources/subscribe', async (request) => {
    const target = uriTarget(request.params.uri);
    await deps.subscriptions.add(session, target.prefix, target.uri).catch(relayError);
    return {};
  });
  server.setRequestHandler('resources/unsubscribe', async (request) => {
    const target = resolveUri(scope, request.params.uri, deps.isEnabled);
    await deps.subscriptions.remove(session, target.prefix, target.uri).catch(relayError);
    return {};
  });

  server.setRequestHandler('completion/complete', async (request, ctx) => {
    const ref = request.params.ref as { type: string; name?: string; uri?: string };
    let prefix: string;
    let upstreamRef: Record<string, unknown>;
    if (ref.type === 'ref/prompt') {
      const target = promptTarget(String(ref.name));
      prefix = target.prefix;
      upstreamRef = { ...ref, name: target.name };
    } else {
      const target = uriTarget(String(ref.uri), `The resource template ${String(ref.uri)}`);
      prefix = target.prefix;
      upstreamRef = { ...ref, uri: target.uri };
    }
    return (await forward(
      prefix,
      'completion/complete',
      { ...request.params, ref: upstreamRef },
      ctx,
    )) as never;
  });

  server.setRequestHandler('logging/setLevel', async (request) => {
    session.logLevel = request.params.level;
    // Per-server scope: pass the level on when the upstream is running (never start a process for it); in the
    // aggregate scope the level only filters what this session receives, as other clients share the upstreams.
    if (scope.kind === 'server' && deps.pool.status(scope.prefix)?.state === 'ready') {
      await deps.pool
        .request(scope.prefix, { method: 'logging/setLevel', params: { level: request.params.level } })
        .catch((error) => {
          deps.log.debug('upstream refused logging/setLevel', { prefix: scope.prefix, error: String(error) });
        });
    }
    return {};
  });
}
