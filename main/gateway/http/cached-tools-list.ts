/**
 * A plain session-era tools/list is answered with the core's pre-serialized result (GatewayCore
 * .legacyToolsListResult): the same bytes the session's Server would send, without re-serializing the catalog
 * per call. These are the pieces both doors of a session (legacy-sessions.ts) share.
 */

const TOOLS_LIST_HEAD = Buffer.from('{"result":', 'utf8');

/** `{"jsonrpc":"2.0","id":…,"method":"tools/list"}` with at most a string cursor and a `_meta` object as params. */
export function isPlainToolsList(body: Record<string, unknown> | undefined): body is { id: string | number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if (body.method !== 'tools/list' || body.jsonrpc !== '2.0') return false;
  if (!(typeof body.id === 'string' || Number.isSafeInteger(body.id))) return false;
  for (const key of Object.keys(body)) if (!['jsonrpc', 'id', 'method', 'params'].includes(key)) return false;
  const params = body.params;
  if (params === undefined) return true;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  for (const [key, value] of Object.entries(params)) {
    if (key === 'cursor' && typeof value === 'string') continue;
    if (key === '_meta' && typeof value === 'object' && value !== null && !Array.isArray(value)) continue;
    return false;
  }
  return true;
}

/**
 * The whole JSON-RPC answer around a pre-serialized tools/list `result`, as the three pieces it is made of: written
 * one after the other (one corked write), the catalog's bytes are never copied per call.
 */
export function toolsListAnswerParts(result: Uint8Array, id: string | number): Uint8Array[] {
  return [TOOLS_LIST_HEAD, result, Buffer.from(`,"jsonrpc":"2.0","id":${JSON.stringify(id)}}`, 'utf8')];
}

/** The same answer in one buffer (for a web-standard Response body). */
export function toolsListAnswer(result: Uint8Array, id: string | number): Buffer {
  return Buffer.concat(toolsListAnswerParts(result, id));
}
