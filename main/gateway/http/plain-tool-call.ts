import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { PlainToolCallParams } from '../gateway-core.ts';

/**
 * The session-era tools/call the hot path answers without the SDK Server's dispatch (native-exchange.ts), and how
 * its answer is written the way the Server writes it. The check is written out, and stricter than the SDK's
 * validation: whatever it does not accept goes to the Server, whose answer (or error) stays the SDK's.
 */

export interface PlainToolCall {
  id: string | number;
  params: PlainToolCallParams;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `_meta` keys the SDK lifts off a request before dispatch (the 2026 envelope): such a request is the Server's. */
const RESERVED_META_PREFIX = 'io.modelcontextprotocol/';

/**
 * `{"jsonrpc":"2.0","id":…,"method":"tools/call","params":{"name":…}}` with at most `arguments` and `_meta` objects
 * beside the name (a progress token a string or an integer, no reserved envelope key); anything else is undefined.
 */
export function plainToolCall(message: JSONRPCMessage): PlainToolCall | undefined {
  const body = message as Record<string, unknown>;
  if (body.method !== 'tools/call' || body.jsonrpc !== '2.0') return undefined;
  const id = body.id;
  if (!(typeof id === 'string' || Number.isSafeInteger(id))) return undefined;
  for (const key in body) {
    if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return undefined;
  }
  const params = body.params;
  if (!isPlainObject(params) || typeof params.name !== 'string') return undefined;
  for (const key in params) {
    const value = params[key];
    if (key === 'name') continue;
    if ((key === 'arguments' || key === '_meta') && (value === undefined || isPlainObject(value))) continue;
    return undefined;
  }
  const meta = params._meta as Record<string, unknown> | undefined;
  if (meta !== undefined) {
    const token = meta.progressToken;
    if (!(token === undefined || typeof token === 'string' || Number.isInteger(token))) return undefined;
    for (const key in meta) if (key.startsWith(RESERVED_META_PREFIX)) return undefined;
  }
  return { id: id as string | number, params: params as unknown as PlainToolCallParams };
}

/** Result keys of the task and input-required families, which carry no content (the SDK adds none to them). */
const CONTENTLESS_FAMILY_KEYS = ['task', 'inputRequests', 'requestState'];

/** A tool result as the Server sends it: one without content gets an empty content list. */
export function toolCallAnswer(id: string | number, result: Record<string, unknown>): JSONRPCMessage {
  const contentless = result.content === undefined && !CONTENTLESS_FAMILY_KEYS.some((key) => key in result);
  const complete = contentless ? { ...result, content: [] } : result;
  return { jsonrpc: '2.0', id, result: complete } as JSONRPCMessage;
}

/**
 * A thrown handler error as the Server sends it (the SDK Protocol's `_onrequest`): a ProtocolError's code, message
 * and data, anything else an internal error; the session-era codec sends -32002 as -32602.
 */
export function toolCallError(id: string | number, error: unknown): JSONRPCMessage {
  const thrown = (isPlainObject(error) || error instanceof Error ? error : {}) as Record<string, unknown>;
  const code = Number.isSafeInteger(thrown.code) ? (thrown.code as number) : -32603;
  const message = typeof thrown.message === 'string' ? thrown.message : 'Internal error';
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: code === -32002 ? -32602 : code,
      message,
      ...(thrown.data !== undefined && { data: thrown.data }),
    },
  } as JSONRPCMessage;
}
