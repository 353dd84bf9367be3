import type http from 'node:http';
import type { Logger } from '../../lib/logger.ts';
import { closeInStages } from './close-in-stages.ts';
import { checkHostAndOrigin } from './host-origin-check.ts';
import { RPC } from './json-rpc-response.ts';
import type { BodyBudget, BodyRead } from './node-body.ts';
import { hasBody, readBody } from './node-body.ts';

/**
 * The gateway's request listener on Node's own objects: what must happen before anything parses a request —
 * the Host/Origin check, then the body, read and COUNTED at the edge for every route (a route's handler gets a
 * body already bounded by `maxBodyBytes`, whatever it does with it) — and then the request goes to whichever
 * handler serves it: the native MCP path for the hot session-era traffic, the web-standard app for the rest.
 */

/** The body as the edge reads it (counted, within the limits), with `release` once the exchange is over. */
export type ReadEdgeBody = () => Promise<BodyRead & { release(): void }>;

/**
 * A handler on Node's objects. `true`: served. `false`: not its to serve (the app gets the request). A body:
 * it read the body, then found the request is not its to serve after all (the app gets it with that body).
 */
export type NativeHandler = (
  incoming: http.IncomingMessage,
  outgoing: http.ServerResponse,
  readBody: ReadEdgeBody,
) => boolean | { rawBody: Buffer; release(): void } | Promise<boolean | { rawBody: Buffer; release(): void }>;

export interface NodeFrontOptions {
  /** The port Host headers must name (read per request: known only once bound). */
  port(): number;
  log: Logger;
  maxBodyBytes: number;
  budget?: BodyBudget;
  /** Served first, before the body is read (it reads the body itself, with the same limits). */
  native?: NativeHandler;
  /** The web-standard app: gets the request with its body already read (`rawBody`). */
  app(incoming: http.IncomingMessage, outgoing: http.ServerResponse): void | Promise<void>;
}

/** What @hono/node-server reads the body from when present (instead of the socket). */
type WithRawBody = http.IncomingMessage & { rawBody?: Buffer };

/**
 * Writes a JSON-RPC-shaped error on Node's objects; `close` ends the connection after it, the body left unread
 * (in stages, so that the client reads the error first).
 */
export function sendError(
  outgoing: http.ServerResponse,
  status: number,
  code: number,
  message: string,
  options: { headers?: Record<string, string>; close?: boolean; id?: string | number | null } = {},
): void {
  if (outgoing.headersSent) {
    outgoing.destroy();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: options.id ?? null });
  if (options.close) closeInStages(outgoing);
  outgoing.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    // Absent rather than undefined: Node refuses a header whose value is undefined.
    ...(options.close ? { connection: 'close' } : {}),
    ...options.headers,
  });
  outgoing.end(body);
}

/** Answers a body that could not be read (too large, over the shared budget, or the client went away). */
export function refuseBody(
  outgoing: http.ServerResponse,
  reason: 'too-large' | 'busy' | 'aborted',
  maxBodyBytes: number,
): void {
  if (reason === 'aborted') {
    outgoing.destroy();
    return;
  }
  if (reason === 'too-large')
    sendError(
      outgoing,
      413,
      RPC.serverError,
      `Payload Too Large: the request body exceeds ${maxBodyBytes} bytes; send less in one request (pass a large input as a file path or a URL the tool can read)`,
      {
        close: true,
      },
    );
  else
    sendError(
      outgoing,
      503,
      RPC.serverError,
      'Service Unavailable: too many large requests in flight; retry shortly',
      { close: true, headers: { 'retry-after': '1' } },
    );
}

export function createNodeFront(options: NodeFrontOptions): http.RequestListener {
  const { log } = options;
  const serve = async (incoming: http.IncomingMessage, outgoing: http.ServerResponse) => {
    const edgeBody: ReadEdgeBody = () => readBody(incoming, options.maxBodyBytes, options.budget);
    const native = options.native ? await options.native(incoming, outgoing, edgeBody) : false;
    if (native === true) return;
    if (native !== false) {
      outgoing.once('close', native.release);
      (incoming as WithRawBody).rawBody = native.rawBody;
    } else if (hasBody(incoming)) {
      const read = await readBody(incoming, options.maxBodyBytes, options.budget);
      if (!read.ok) {
        refuseBody(outgoing, read.reason, options.maxBodyBytes);
        return;
      }
      outgoing.once('close', read.release);
      (incoming as WithRawBody).rawBody = read.body;
    }
    await options.app(incoming, outgoing);
  };
  return (incoming, outgoing) => {
    // The DNS-rebinding guard comes before anything parses the request (a hostile Host may not even form a URL).
    const verdict = checkHostAndOrigin(
      { host: incoming.headers.host, origin: incoming.headers.origin },
      options.port(),
    );
    if (!verdict.ok) {
      log.warn('refused a request with a foreign Host or Origin', { reason: verdict.reason });
      sendError(outgoing, 403, RPC.serverError, `Forbidden: ${verdict.reason}`, { close: true });
      return;
    }
    serve(incoming, outgoing).catch((error: unknown) => {
      log.error('gateway could not answer a request', { error });
      sendError(outgoing, 500, RPC.internalError, 'Internal error: see the Switchboard log');
    });
  };
}
