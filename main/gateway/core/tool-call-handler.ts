import type { Server } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../../lib/errors.ts';
import type { GatewayScope, LegacyToolCall, PlainToolCallParams } from '../gateway-core.ts';
import { toolErrorResult } from './call-outcome.ts';
import type { CallContext, DownstreamCaller } from './downstream-caller.ts';
import { modernCapabilities } from './downstream-caller.ts';
import type { InputBridge, RoundOutcome } from './input-bridge.ts';
import type { Session } from './session-registry.ts';
import type { ToolArguments, ToolResult } from './tool-call-hooks.ts';
import type { CallRound, CallState, ProgressSink, ToolCallPath } from './tool-call-path.ts';
import { directly } from './tool-call-path.ts';
import type { NameTarget } from './tool-names.ts';
import type { ScopeView } from './tool-view.ts';
import { resolveTool } from './tool-view.ts';

/**
 * A client's tools/call: resolve the exposed name through the scope's view, then hand the call to the one
 * tool-call path with the round that fits the era — legacy: the upstream request runs inside this downstream
 * request, and the upstream's questions travel on it; modern: the request may be parked in the input bridge
 * across `input_required` rounds, and a retry carrying its `requestState` continues the parked call.
 */

export interface ToolCallHandlerDeps {
  path: ToolCallPath;
  bridge: InputBridge;
  view(): ScopeView;
  /** Why calls to a server cannot run now (missing, disabled). */
  blocked(prefix: string): SwitchboardError | undefined;
  /** The caller of a session-era downstream request. */
  callerFor(ctx: CallContext, prefix: string): DownstreamCaller;
}

/**
 * Who may continue a parked modern call: the token (or, for the local bridge, the client name) that started it,
 * so another client cannot resume someone's call or read its result.
 */
export function ownerOf(scope: GatewayScope): string {
  return scope.caller.tokenId ?? `client:${scope.caller.clientName}`;
}

/** Where a downstream request's progress notifications go (nowhere when it asked for none). */
export function progressSinkOf(ctx: CallContext): ProgressSink | undefined {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  return (progress) =>
    ctx.mcpReq.notify({ method: 'notifications/progress', params: { ...progress, progressToken } });
}

function expired(name: string): RoundOutcome<ToolResult> {
  return {
    kind: 'failed',
    error: new SwitchboardError(
      'UPSTREAM_ERROR',
      `this call to ${name} waited too long for an answer and was cancelled; call the tool again`,
    ),
  };
}

/** A connection's tools/call handler: what the Server dispatches to, and the session-era hot path too. */
export type ToolCallHandler = (
  request: { params: PlainToolCallParams },
  ctx: CallContext,
) => Promise<ToolResult>;

/** Registers tools/call on a connection's Server; returns the handler, for the hot path (`legacyToolCallOf`). */
export function registerToolCallHandler(
  server: Server,
  session: Session,
  deps: ToolCallHandlerDeps,
): ToolCallHandler {
  const handle = toolCallHandler(session, deps);
  server.setRequestHandler('tools/call', async (request, ctx) => (await handle(request, ctx)) as never);
  return handle;
}

/**
 * The handler for the session-era hot path (http/native-exchange.ts), its context built from the session's
 * Server as the SDK builds it: notifications and server→client requests tied to the request's id, so they travel
 * on its POST's stream, and the client's answers are matched by the Server as ever.
 */
export function legacyToolCallOf(server: Server, handle: ToolCallHandler): LegacyToolCall {
  return (params, { id, signal }) =>
    handle(
      { params },
      {
        mcpReq: {
          _meta: params._meta,
          signal,
          notify: (notification) => server.notification(notification as never, { relatedRequestId: id }),
          send: (request, options) => server.request(request as never, { ...options, relatedRequestId: id }),
        },
      },
    );
}

function toolCallHandler(session: Session, deps: ToolCallHandlerDeps): ToolCallHandler {
  const { scope, era } = session;
  const owner = ownerOf(scope);

  return async (request, ctx) => {
    const { progressToken: _token, ...meta } = request.params._meta ?? {};
    const args = request.params.arguments as ToolArguments;
    const signal = ctx.mcpReq.signal;
    const requestState = era === 'modern' ? ctx.mcpReq.requestState?.<string>() : undefined;

    // A modern client coming back with answers for a parked call: the call is already routed.
    if (typeof requestState === 'string') {
      const parked = deps.bridge.extraOf(owner, requestState) as CallState | undefined;
      if (parked) {
        // Progress goes to whichever downstream request of this call is open now.
        parked.progress.retarget(progressSinkOf(ctx));
        const responses = (ctx.mcpReq.inputResponses ?? {}) as Record<string, unknown>;
        const round: CallRound = {
          kind: 'continue',
          execute: () =>
            deps.bridge.resume<ToolResult>(owner, requestState, responses, signal) ??
            Promise.resolve(expired(parked.target.name)),
        };
        return deps.path.run(parked, round, signal);
      }
    }

    const callUpstream = (target: NameTarget, callArgs: ToolArguments): Promise<ToolResult> => {
      const state = deps.path.begin(scope.caller, target, scope.kind === 'all', progressSinkOf(ctx));
      let round: CallRound;
      if (typeof requestState === 'string') {
        // A state we do not know (expired, forged, another owner's): say so rather than run the call again.
        round = { kind: 'continue', execute: async () => expired(target.name) };
      } else if (era === 'modern') {
        round = {
          kind: 'start',
          arguments: callArgs,
          meta,
          execute: (run) =>
            deps.bridge.start(owner, modernCapabilities(ctx), session.key, run, signal, state),
        };
      } else {
        round = {
          kind: 'start',
          arguments: callArgs,
          meta,
          execute: directly(deps.callerFor(ctx, target.prefix), signal),
        };
      }
      return deps.path.run(state, round, signal);
    };

    const exposed = request.params.name;
    const resolution = resolveTool(deps.view(), scope, exposed, deps.blocked);
    switch (resolution.kind) {
      case 'upstream':
        return callUpstream(resolution.target, args);
      case 'local':
        return resolution.tool.call(args, {
          scope,
          signal,
          callUpstream: (target, callArgs) => callUpstream(target, callArgs),
        });
      case 'refused':
        return toolErrorResult(resolution.refusal.prefix, exposed, resolution.refusal.error, false);
      case 'unknown':
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${exposed}`);
    }
  };
}
