import { isJsonContentType, readRequestBody } from '@modelcontextprotocol/server';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';

/** Largest POST body the gateway reads (the SDK's default; tool arguments beyond this are a mistake). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type BodyOutcome = { ok: true; value: unknown } | { ok: false; response: Response };

/**
 * Reads a POST body ONCE (the era router and the transports then share the parsed value):
 * wrong content type → 415, too large → 413, unreadable or not JSON → 400 with a -32700 parse error.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<BodyOutcome> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return {
      ok: false,
      response: jsonRpcErrorResponse(
        415,
        RPC.serverError,
        'Unsupported Media Type: Content-Type must be application/json',
      ),
    };
  }
  let text: string;
  try {
    const read = await readRequestBody(request, maxBytes);
    if (read.tooLarge) {
      return {
        ok: false,
        response: jsonRpcErrorResponse(
          413,
          RPC.serverError,
          `Payload Too Large: the request body exceeds ${maxBytes} bytes; send less in one request (pass a large input as a file path or a URL the tool can read)`,
        ),
      };
    }
    text = read.text;
  } catch {
    return {
      ok: false,
      response: jsonRpcErrorResponse(400, RPC.parseError, 'Parse error: the request body could not be read'),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: jsonRpcErrorResponse(400, RPC.parseError, 'Parse error: Invalid JSON') };
  }
}
