import type { JSONRPCMessage } from '@modelcontextprotocol/server';

/**
 * The one check a message gets at the edge of the hot path: the JSON-RPC 2.0 envelope, written out (the SDK's
 * transport runs a zod schema over every message, and its Server then validates the params of each method
 * against the method's own schema: the envelope is all the edge needs). A message that fails it is not
 * rejected here: it goes the slow way, where the SDK answers it exactly as it always did.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isId = (value: unknown): value is string | number =>
  typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));

/**
 * Params the SDK's envelope schema accepts: an object whose `_meta`, if any, is an object with a string or integer
 * progress token, if any. (A message the schema refuses is dropped unanswered by the SDK's Protocol, so it must
 * go the slow way, whose transport answers it with a JSON-RPC error.)
 */
function isPlainParams(params: unknown): boolean {
  if (!isObject(params)) return false;
  const meta = params._meta;
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  const token = meta.progressToken;
  return token === undefined || typeof token === 'string' || Number.isInteger(token);
}

/** True for a request, notification or response with a plain envelope (and no initialize). */
export function isPlainMessage(value: unknown): value is JSONRPCMessage {
  if (!isObject(value) || value.jsonrpc !== '2.0') return false;
  if ('method' in value) {
    if (typeof value.method !== 'string' || value.method === 'initialize') return false;
    if ('params' in value && value.params !== undefined && !isPlainParams(value.params)) return false;
    if ('id' in value && !isId(value.id)) return false;
    for (const key in value)
      if (key !== 'jsonrpc' && key !== 'method' && key !== 'params' && key !== 'id') return false;
    return true;
  }
  if (!isId(value.id)) return false;
  if ('result' in value) return isObject(value.result) && !('error' in value);
  if (!isObject(value.error)) return false;
  return (
    typeof value.error.code === 'number' &&
    Number.isInteger(value.error.code) &&
    typeof value.error.message === 'string'
  );
}

/** The messages of a parsed POST body when every one is plain (at most `maxBatch` of them), else undefined. */
export function plainMessages(body: unknown, maxBatch = 100): JSONRPCMessage[] | undefined {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0 || items.length > maxBatch) return undefined;
  for (const item of items) if (!isPlainMessage(item)) return undefined;
  return items as JSONRPCMessage[];
}
