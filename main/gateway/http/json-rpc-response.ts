/** JSON-RPC error codes the front uses (the SDK's ProtocolErrorCode plus the transport's own). */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  internalError: -32603,
  /** Generic transport-level error the SDK uses for HTTP-layer rejections. */
  serverError: -32000,
  /** The SDK's "Session not found". */
  sessionNotFound: -32001,
} as const;

export interface JsonRpcErrorOptions {
  id?: string | number | null;
  data?: unknown;
  headers?: Record<string, string>;
}

/** A JSON-RPC-shaped error body with an HTTP status: every rejection the front makes looks like this. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  options: JsonRpcErrorOptions = {},
): Response {
  const error: { code: number; message: string; data?: unknown } = { code, message };
  if (options.data !== undefined) error.data = options.data;
  return new Response(JSON.stringify({ jsonrpc: '2.0', error, id: options.id ?? null }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...options.headers },
  });
}

/** The id of a JSON-RPC request body when it is safe to echo back (string or finite number), else null. */
export function echoableId(body: unknown): string | number | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const id = (body as { id?: unknown }).id;
  if (typeof id === 'string' && id.length <= 200) return id;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  return null;
}
