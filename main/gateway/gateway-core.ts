import type { Server } from '@modelcontextprotocol/server';

/**
 * The seam between the HTTP front (main/gateway/http/) and the aggregation core (main/gateway/core/).
 * The front authenticates, picks a scope and an era; the core builds an SDK Server whose handlers
 * answer from the cached catalog and route calls through the upstream pool.
 */

/** Who is calling: resolved from the bearer token by the front. */
export interface CallerIdentity {
  /** Id of the client token used (for call log and toolset binding); undefined for the local bridge. */
  tokenId?: string;
  /** Human name of the client app ("cursor", "claude-desktop") for activity views. */
  clientName: string;
}

/** What one downstream connection may see. */
export type GatewayScope =
  /** `/mcp`: every enabled server, tools namespaced as `<prefix>__<name>`. */
  | { kind: 'all'; caller: CallerIdentity }
  /** `/mcp/<prefix>`: one server with its original names. */
  | { kind: 'server'; prefix: string; caller: CallerIdentity };

export type ProtocolEra = 'legacy' | 'modern';

/** One tools/call made by Switchboard itself (the window's "Try a tool", `switchboard tool call`). */
export interface ToolCallRequest {
  caller: CallerIdentity;
  prefix: string;
  /** The upstream's own tool name. */
  tool: string;
  arguments: Record<string, unknown>;
  signal?: AbortSignal;
  onprogress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

/** The params of a session-era tools/call, already checked to be plain (http/native-exchange.ts). */
export interface PlainToolCallParams {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/**
 * A session's tools/call handler, for the hot path that answers it without the SDK Server's dispatch: resolves
 * with the result, or rejects as the handler throws (a ProtocolError's code, message and data; anything else is
 * an internal error). Notifications and server→client requests of the call still go through the session's Server,
 * tied to `id`.
 */
export type LegacyToolCall = (
  params: PlainToolCallParams,
  request: { id: string | number; signal: AbortSignal },
) => Promise<Record<string, unknown>>;

export interface GatewayCore {
  /** Builds a fresh SDK Server for one legacy session, or one modern request, in `scope`. */
  createServer(scope: GatewayScope, era: ProtocolEra): Server;
  /**
   * The `result` of a session-era tools/list in `scope` as JSON bytes, serialized once per view (per view-policy
   * key: a profile sees its own) and dropped on every catalog, server or policy change — the exact bytes the
   * scope's Server would send — or undefined when the Server must answer itself (a tool whose output schema the
   * SDK rewrites for session-era clients). At catalog scale this is a 250 KB answer the front would otherwise
   * have the SDK re-serialize on every call.
   */
  legacyToolsListResult?(scope: GatewayScope): Uint8Array | undefined;
  /**
   * The tools/call handler of a session-era Server this core built (`createServer(…, 'legacy')`), the same one the
   * Server dispatches to, for the hot path; undefined for any other Server.
   */
  legacyToolCall?(server: Server): LegacyToolCall | undefined;
  /**
   * Calls a tool the way a client's tools/call does — same routing, timeouts, outcome classes and call-log
   * row — and answers what a client would get: failures are `isError` results naming what to do.
   */
  callTool(request: ToolCallRequest): Promise<Record<string, unknown>>;
  /** True when `prefix` names an existing server (the front answers 404 for unknown per-server routes). */
  hasServer(prefix: string): boolean;
  /** Fires (debounced) when the aggregate tools/prompts/resources change; modern-era fronts publish it. */
  onListChanged(
    listener: (change: { tools: boolean; prompts: boolean; resources: boolean }) => void,
  ): () => void;
  /** Flushes the call log and detaches from the pool. */
  close(): Promise<void>;
}
