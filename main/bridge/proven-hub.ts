import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { HUB_PROOF_PATH, isValidHubProof, newNonce } from './hub-proof.ts';

/**
 * The client side of the hub proof (hub-proof.ts): every TCP connection that will carry the bridge token is
 * first made to prove — ON THAT VERY CONNECTION — that the Switchboard of this data directory accepted it.
 * A TCP connection has one peer for its whole life, so a request sent on a proven connection reaches the
 * hub and nothing else: no window opens between "checked" and "sent" even when the hub dies and another
 * program takes the port (the next connection is a new one, and is proven again).
 *
 * `createProvenFetch` is a fetch over such connections (node:http with an Agent whose `createConnection`
 * runs the challenge first); the bridge's upstream transport and `auth connect`'s hand-over use it.
 */

/** How long a connection may take to connect and answer the challenge. */
export const PROOF_TIMEOUT_MS = 5_000;

/** What is on the port. */
export type HubCheck =
  /** This data directory's Switchboard, proven. */
  | { kind: 'proven' }
  /** Nothing listens (or our hub is still starting). */
  | { kind: 'absent'; reason: string }
  /** Something answered but could not prove it holds this data directory's bridge token. */
  | { kind: 'impostor'; reason: string }
  /** This data directory has no bridge token yet (the hub never ran here). */
  | { kind: 'no-token' };

/** Why a connection to the hub was refused before anything was sent on it. */
export class HubNotProvenError extends Error {
  readonly port: number;
  readonly check: Exclude<HubCheck, { kind: 'proven' }>;
  constructor(port: number, check: Exclude<HubCheck, { kind: 'proven' }>) {
    super(describeCheck(port, check));
    this.name = 'HubNotProvenError';
    this.port = port;
    this.check = check;
  }
}

/** One sentence about a failed check, for people (names the port, never a token). */
export function describeCheck(port: number, check: Exclude<HubCheck, { kind: 'proven' }>): string {
  switch (check.kind) {
    case 'absent':
      return `nothing that is Switchboard answers on port ${port} (${check.reason})`;
    case 'no-token':
      return 'this data directory has no bridge token yet: Switchboard has never run here';
    case 'impostor':
      return (
        `the program listening on port ${port} is not this Switchboard: it could not prove it holds this data ` +
        `directory's bridge token (${check.reason}), so nothing was sent to it`
      );
  }
}

/** Connects to 127.0.0.1:`port` and runs the challenge; resolves with the proven socket. */
export async function connectToProvenHub(options: {
  port: number;
  token: string;
  timeoutMs?: number;
}): Promise<net.Socket> {
  const timeoutMs = options.timeoutMs ?? PROOF_TIMEOUT_MS;
  const socket = net.connect({ host: '127.0.0.1', port: options.port });
  try {
    await connected(socket, timeoutMs, options.port);
    await proveOnSocket(socket, options.token, timeoutMs);
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/** Checks what answers on `port` (a fresh connection, closed afterwards). */
export async function checkHub(options: {
  port: number;
  token: string | undefined;
  timeoutMs?: number;
}): Promise<HubCheck> {
  if (options.token === undefined) return { kind: 'no-token' };
  try {
    const socket = await connectToProvenHub({ ...options, token: options.token });
    socket.destroy();
    return { kind: 'proven' };
  } catch (error) {
    if (error instanceof HubNotProvenError) return error.check;
    return { kind: 'absent', reason: error instanceof Error ? error.message : String(error) };
  }
}

function connected(socket: net.Socket, timeoutMs: number, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no connection within the time limit')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.off('connect', ok);
      const code = (error as NodeJS.ErrnoException).code;
      reject(new HubNotProvenError(port, { kind: 'absent', reason: code ?? error.message }));
    };
    const ok = () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve();
    };
    socket.once('connect', ok);
    socket.once('error', fail);
  });
}

/**
 * Sends the challenge on an open socket and checks the answer against the port this socket is connected
 * to. Rejects with HubNotProvenError; on success the socket is left exactly at a message boundary, ready
 * for the next HTTP request.
 */
export async function proveOnSocket(
  socket: net.Socket,
  token: string,
  timeoutMs = PROOF_TIMEOUT_MS,
): Promise<void> {
  const port = socket.remotePort ?? 0;
  const impostor = (reason: string) => new HubNotProvenError(port, { kind: 'impostor', reason });
  const nonce = newNonce();
  socket.write(
    `GET ${HUB_PROOF_PATH}?nonce=${nonce} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      'Accept: application/json\r\nConnection: keep-alive\r\n\r\n',
  );
  let response: RawResponse;
  try {
    response = await readResponse(socket, timeoutMs);
  } catch (error) {
    throw impostor(error instanceof Error ? error.message : String(error));
  }
  // Our own hub before it knows its port: try again shortly (never a reason to send anything).
  if (response.status === 503) throw new HubNotProvenError(port, { kind: 'absent', reason: 'starting' });
  if (response.status !== 200) throw impostor(`it answered the challenge with HTTP ${response.status}`);
  let proof: unknown;
  try {
    proof = (JSON.parse(response.body.toString('utf8')) as { proof?: unknown }).proof;
  } catch {
    throw impostor('its answer to the challenge is not JSON');
  }
  if (!isValidHubProof(token, port, nonce, proof)) throw impostor('its answer to the challenge is wrong');
  if (response.closes)
    throw new HubNotProvenError(port, { kind: 'absent', reason: 'it closed the connection' });
}

interface RawResponse {
  status: number;
  body: Buffer;
  /** The server said it closes the connection after this answer. */
  closes: boolean;
}

const MAX_ANSWER_BYTES = 16 * 1024;

/** Reads exactly one HTTP/1.1 response (Content-Length or chunked), bounded in size and time. */
function readResponse(socket: net.Socket, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('it did not answer the challenge in time')), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length > MAX_ANSWER_BYTES)
        return finish(new Error('its answer to the challenge is too long'));
      let parsed: RawResponse | 'more';
      try {
        parsed = parseResponse(buffer);
      } catch (error) {
        return finish(error as Error);
      }
      if (parsed !== 'more') finish(undefined, parsed);
    };
    const onGone = () => finish(new Error('it closed the connection instead of answering the challenge'));
    const onError = (error: Error) => finish(error);
    function finish(error: Error | undefined, value?: RawResponse) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onGone);
      socket.off('close', onGone);
      socket.off('error', onError);
      if (error) reject(error);
      else resolve(value!);
    }
    socket.on('data', onData);
    socket.once('end', onGone);
    socket.once('close', onGone);
    socket.once('error', onError);
  });
}

function parseResponse(buffer: Buffer): RawResponse | 'more' {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return 'more';
  const [statusLine = '', ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)?.[1];
  if (status === undefined) throw new Error('it does not speak HTTP/1.1');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rest = buffer.subarray(headEnd + 4);
  const closes = /\bclose\b/i.test(headers.get('connection') ?? '');
  let body: Buffer | 'more';
  if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) body = dechunk(rest);
  else {
    const length = Number(headers.get('content-length') ?? 'NaN');
    if (!Number.isInteger(length) || length < 0) throw new Error('its answer has no length');
    if (rest.length < length) return 'more';
    if (rest.length > length) throw new Error('it sent more than one answer');
    body = rest;
  }
  return body === 'more' ? 'more' : { status: Number(status), body, closes };
}

/** A complete chunked body, or 'more'; anything after the last chunk is refused. */
function dechunk(data: Buffer): Buffer | 'more' {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return 'more';
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw new Error('its chunked answer is malformed');
    const start = lineEnd + 2;
    if (size === 0) {
      // No trailers are expected: the terminating CRLF must follow at once, and nothing after it.
      if (data.length < start + 2) return 'more';
      if (data.subarray(start, start + 2).toString('latin1') !== '\r\n' || data.length > start + 2)
        throw new Error('it sent more than one answer');
      return Buffer.concat(parts);
    }
    if (data.length < start + size + 2) return 'more';
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** An http.Agent whose every new connection proves the hub before it is used. */
class ProvenAgent extends http.Agent {
  readonly #token: () => string | undefined;
  readonly #timeoutMs: number;

  constructor(token: () => string | undefined, timeoutMs: number) {
    super({ keepAlive: true, maxFreeSockets: 4 });
    this.#token = token;
    this.#timeoutMs = timeoutMs;
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: net.Socket) => void,
  ): undefined {
    const port = Number(options.port);
    const token = this.#token();
    const done = callback ?? (() => {});
    if (options.host !== '127.0.0.1' || !Number.isInteger(port)) {
      done(
        new Error('the bridge only talks to Switchboard on 127.0.0.1'),
        undefined as unknown as net.Socket,
      );
      return undefined;
    }
    if (token === undefined) {
      done(new HubNotProvenError(port, { kind: 'no-token' }), undefined as unknown as net.Socket);
      return undefined;
    }
    connectToProvenHub({ port, token, timeoutMs: this.#timeoutMs }).then(
      (socket) => done(null, socket),
      (error: Error) => done(error, undefined as unknown as net.Socket),
    );
    return undefined;
  }
}

/** A fetch whose requests only ever travel on proven connections to 127.0.0.1. */
export interface ProvenFetch {
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** Drops the kept-alive connections. */
  close(): void;
}

/**
 * The fetch for everything that carries the bridge token. `token` is read for every new connection (the hub
 * writes it on first start). Failures look like fetch's own (`TypeError: fetch failed`, the cause attached):
 * callers that retry on network errors retry here too — and each retry is proven again.
 */
export function createProvenFetch(options: {
  token: () => string | undefined;
  timeoutMs?: number;
}): ProvenFetch {
  const agent = new ProvenAgent(options.token, options.timeoutMs ?? PROOF_TIMEOUT_MS);
  return {
    fetch: (input, init) => provenRequest(agent, new URL(String(input)), init ?? {}),
    close: () => agent.destroy(),
  };
}

const NULL_BODY = new Set([101, 204, 205, 304]);

function provenRequest(agent: http.Agent, url: URL, init: RequestInit): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') {
      reject(
        new TypeError(`fetch failed: the bridge only talks to Switchboard on 127.0.0.1, not ${url.host}`),
      );
      return;
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let body: Buffer | undefined;
    try {
      body = bodyBytes(init.body);
    } catch (error) {
      reject(error);
      return;
    }
    const method = (init.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    if (body !== undefined) headers['content-length'] = String(body.length);
    const request = http.request({
      agent,
      host: '127.0.0.1',
      port: Number(url.port || 80),
      path: `${url.pathname}${url.search}`,
      method,
      headers,
    });
    const onAbort = () =>
      request.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const release = () => signal?.removeEventListener('abort', onAbort);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const responseHeaders = new Headers();
      const raw = response.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
      response.once('close', release);
      const noBody = NULL_BODY.has(status) || method === 'HEAD';
      if (noBody) response.resume();
      try {
        resolve(
          new Response(noBody ? null : (Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>), {
            status,
            statusText: response.statusMessage ?? '',
            headers: responseHeaders,
          }),
        );
      } catch (error) {
        response.destroy();
        reject(new TypeError('fetch failed', { cause: error }));
      }
    });
    request.on('error', (error) => {
      release();
      if (signal?.aborted) reject(signal.reason);
      else reject(new TypeError('fetch failed', { cause: error }));
    });
    request.end(body);
  });
}

function bodyBytes(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('fetch failed: only string and byte bodies are supported on the bridge connection');
}
