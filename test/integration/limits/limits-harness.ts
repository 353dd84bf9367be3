import http from 'node:http';
import { generateToken, hashToken } from '../../../main/tokens/token-crypto.ts';
import type { ActiveToken, TokenSource } from '../../../main/tokens/bearer.ts';
import { createTokenVerifier } from '../../../main/gateway/http/token-verifier.ts';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';

/**
 * Floods against the real HTTP front on 127.0.0.1 (in this process, so its memory is process.memoryUsage()),
 * with several client tokens: one token floods, another must still be served.
 */

export interface FloodGateway extends TestGateway {
  /** Client tokens by name: `flood` (id 1) and `other` (id 2). */
  tokens: { flood: string; other: string };
}

export async function startFloodGateway(
  overrides: NonNullable<Parameters<typeof startTestGateway>[0]> = {},
): Promise<FloodGateway> {
  const flood = generateToken();
  const other = generateToken();
  const tokens: ActiveToken[] = [
    { id: 1, name: 'flooder', hash: hashToken(flood) },
    { id: 2, name: 'other', hash: hashToken(other) },
  ];
  const source: TokenSource = { activeTokens: () => tokens, markUsed: () => {} };
  const gw = await startTestGateway({ tokens: createTokenVerifier({ source }), ...overrides });
  return { ...gw, token: other, tokens: { flood, other } };
}

/** Samples this process's RSS every 20 ms while `work` runs; returns the peak growth in MiB over the start. */
export async function peakRssGrowthMiB<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMiB: (peak - start) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/** An initialize over raw fetch (session era); resolves to the status and the session id. */
export async function initialize(
  url: string,
  token: string,
): Promise<{ status: number; sessionId: string | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'flood', version: '1' },
      },
    }),
  });
  await response.arrayBuffer();
  return { status: response.status, sessionId: response.headers.get('mcp-session-id') };
}

/** A tools/list on a session; resolves to the HTTP status. */
export async function listOnSession(url: string, token: string, sessionId: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...MCP_HEADERS,
      authorization: `Bearer ${token}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Streams `totalBytes` of body to `path` in 1 MiB chunks (chunked, or with a declared Content-Length), stopping
 * as soon as the server answers or drops the connection. Resolves to the status (0: no answer) and bytes sent.
 */
export function pushBody(options: {
  port: number;
  path: string;
  headers: Record<string, string>;
  totalBytes: number;
  declareLength?: boolean;
  timeoutMs?: number;
}): Promise<{ status: number; sent: number }> {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return new Promise((resolve) => {
    let sent = 0;
    let status = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ status, sent });
    };
    const request = http.request({
      host: '127.0.0.1',
      port: options.port,
      method: 'POST',
      path: options.path,
      headers: {
        host: `127.0.0.1:${options.port}`,
        'content-type': 'application/json',
        // Absent rather than undefined: Node refuses a header whose value is undefined.
        ...(options.declareLength ? { 'content-length': String(options.totalBytes) } : {}),
        ...options.headers,
      },
    });
    const timer = setTimeout(finish, options.timeoutMs ?? 60_000);
    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      response.resume();
      response.on('end', finish);
      response.on('error', finish);
    });
    request.on('error', finish);
    request.on('close', () => setTimeout(finish, 50));
    const pump = () => {
      while (!done && sent < options.totalBytes) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!done) request.end();
    };
    pump();
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
