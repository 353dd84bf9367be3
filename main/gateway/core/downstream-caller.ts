import { randomUUID } from 'node:crypto';
import type { Server, ServerContext } from '@modelcontextprotocol/server';
import type { ProtocolEra } from '../gateway-core.ts';
import type { ServerRequestMethod, UpstreamCaller } from '../../upstream/upstream-types.ts';

/**
 * The downstream half of a call, handed to the pool so an upstream can talk back to the client that caused the
 * call: server→client requests are sent tied to the downstream request (on legacy HTTP they travel on that
 * request's own SSE stream), logs are filtered by the level the session asked for.
 *
 * Modern (2026-07-28) downstream requests cannot carry server→client requests at all (the SDK throws; the
 * modern way is an `input_required` result), so a modern caller declares no capabilities and the upstream gets
 * a clean JSON-RPC error instead of a hang. (A modern tools/call gets its caller from the input bridge.)
 *
 * What the pool routes on (upstream/caller-routing.ts): `sessionKey` names the downstream SESSION — one per
 * session-era connection; a modern-era Server lives for one request, so there it names that one call and two
 * modern calls never count as one session. `callId` names the one downstream request (unique per caller
 * object, never reused), for a pool that ties a server→client request to the exact call that caused it.
 */

/**
 * What the handlers of a downstream request read of its context. The SDK Server's `ServerContext` has all of it;
 * the session-era hot path (http/native-exchange.ts, through `legacyToolCallOf`) builds the session-era part
 * itself — modern-era material (`requestState`, `inputResponses`, `envelope`) is absent there.
 */
export interface CallContext {
  mcpReq: Pick<ServerContext['mcpReq'], '_meta' | 'signal'> &
    Partial<Pick<ServerContext['mcpReq'], 'envelope' | 'inputResponses' | 'requestState'>> & {
      /** A notification tied to this request (on session-era HTTP: on its POST's stream). */
      notify(notification: { method: string; params?: Record<string, unknown> }): Promise<void>;
      /** A server→client request tied to this request; resolves with the client's result. */
      send(
        request: { method: ServerRequestMethod; params?: Record<string, unknown> },
        options: { signal: AbortSignal },
      ): Promise<unknown>;
    };
}

/** An UpstreamCaller that also names its downstream request. */
export interface DownstreamCaller extends UpstreamCaller {
  /** Unique per in-flight downstream request; not a secret (unlike a modern call's requestState). */
  callId: string;
}

/** A fresh call id. */
export function newCallId(): string {
  return randomUUID();
}

export const LOG_LEVELS = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** True when a message at `level` passes a session's minimum level (no minimum: everything passes). */
export function levelAllows(minimum: string | undefined, level: unknown): boolean {
  if (minimum === undefined) return true;
  const min = LOG_LEVELS.indexOf(minimum as LogLevelName);
  const at = LOG_LEVELS.indexOf(level as LogLevelName);
  return min === -1 || at === -1 || at >= min;
}

/** What a modern (2026-07-28) client declared it can answer, from its request's `_meta` envelope. */
export function modernCapabilities(ctx: CallContext): UpstreamCaller['capabilities'] {
  // The SDK types the envelope as an opaque object; its keys are the spec's reserved `_meta` names.
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const caps = envelope?.['io.modelcontextprotocol/clientCapabilities'] as
    Record<string, unknown> | undefined;
  return {
    sampling: caps?.sampling !== undefined,
    elicitation: caps?.elicitation !== undefined,
    roots: caps?.roots !== undefined,
  };
}

export interface DownstreamCallerOptions {
  sessionKey: string;
  server: Server;
  ctx: CallContext;
  era: ProtocolEra;
  /** Server the call goes to; in the aggregate scope log messages name it in their `logger`. */
  prefix: string;
  aggregate: boolean;
  /** The session's minimum log level (logging/setLevel), read when a message arrives. */
  logLevel(): string | undefined;
}

/** Builds the UpstreamCaller for one downstream request. */
export function createDownstreamCaller(options: DownstreamCallerOptions): DownstreamCaller {
  const { ctx } = options;
  const caps = options.era === 'legacy' ? options.server.getClientCapabilities() : undefined;
  return {
    callId: newCallId(),
    sessionKey: options.sessionKey,
    capabilities: {
      sampling: caps?.sampling !== undefined,
      elicitation: caps?.elicitation !== undefined,
      roots: caps?.roots !== undefined,
    },
    async request(method: ServerRequestMethod, params, signal) {
      const result = await ctx.mcpReq.send({ method, params }, { signal });
      return result as Record<string, unknown>;
    },
    log(params) {
      if (!levelAllows(options.logLevel(), params.level)) return;
      const logger = typeof params.logger === 'string' ? params.logger : undefined;
      const named = options.aggregate
        ? { ...params, logger: logger ? `${options.prefix}/${logger}` : options.prefix }
        : params;
      void ctx.mcpReq.notify({ method: 'notifications/message', params: named as never }).catch(() => {});
    },
  };
}
