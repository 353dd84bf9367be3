import type { JSONRPCMessage } from '@modelcontextprotocol/client';

/**
 * One line of a stdio server's stdout, read as a JSON-RPC message — or undefined when it is not one (a banner,
 * a log line, JSON that is not JSON-RPC), which the transport reports and skips.
 *
 * Only the envelope is checked here: the SDK's protocol layer classifies every message it receives with its
 * own schemas (request, notification, result, error) and checks each result where it is used (a tool result
 * where it leaves the hub: pass-through-result.ts), so parsing the whole message with `JSONRPCMessageSchema`
 * first, as the SDK's `deserializeMessage` does, validated — and copied — every upstream message once more, on
 * the path of every tool call.
 */
export function parseJsonRpcLine(line: string): JSONRPCMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return undefined;
  if (typeof message.method === 'string') return message as JSONRPCMessage;
  // An error may answer a request whose id could not be read (id null or absent); a result always has one.
  if (isObject(message.error)) return message as JSONRPCMessage;
  const id = message.id;
  return (typeof id === 'string' || typeof id === 'number') && isObject(message.result)
    ? (message as JSONRPCMessage)
    : undefined;
}

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
