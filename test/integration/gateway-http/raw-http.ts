import http from 'node:http';

/** A raw HTTP exchange with full control over headers (fetch forbids setting Host, for one). */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one request to 127.0.0.1:port and reads the whole answer (bounded by a timeout). */
export function rawRequest(options: {
  port: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/mcp',
        headers: { host: `127.0.0.1:${options.port}`, ...options.headers },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Parses a JSON-RPC error body; throws when the body is not one. */
export function jsonRpcError(body: string): { code: number; message: string; id: unknown } {
  const parsed = JSON.parse(body) as {
    jsonrpc?: unknown;
    error?: { code?: unknown; message?: unknown };
    id?: unknown;
  };
  if (
    parsed.jsonrpc !== '2.0' ||
    typeof parsed.error?.code !== 'number' ||
    typeof parsed.error.message !== 'string'
  ) {
    throw new Error(`not a JSON-RPC error: ${body.slice(0, 200)}`);
  }
  return { code: parsed.error.code, message: parsed.error.message, id: parsed.id };
}
