import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FetchLike } from '@modelcontextprotocol/client';

/**
 * The fetch of the hub's HTTP upstreams: Node's http client over ONE keep-alive agent per hub (per scheme),
 * instead of the global fetch.
 *
 * Why: a tools/call through the hub to a Streamable HTTP upstream cost ~2.7 ms of hub CPU at c=1 against
 * ~0.9 ms to a stdio one, and at c=1 that CPU is the latency. The global fetch already kept its connection
 * alive (one TCP connection, one POST per call — measured); its cost was the fetch machinery itself (undici's
 * Request/Headers/Response, the fetch algorithm, a web-stream body read back for `json()`): ~1 ms of hub CPU
 * per call under load, about three times Node's http client doing the same request (docs/benchmarks.md).
 *
 * What it serves: what the SDK's transports send on the hot path — `redirect: 'manual'` (the SDK follows
 * redirects itself within the origin), a string or bytes body, http: or https:. Anything else (a redirect to
 * follow, a stream or form body, an env proxy) goes to the global fetch unchanged, so no caller sees a
 * difference in behaviour, only in cost. Kept as fetch has it: the answer is a WHATWG `Response`; an event
 * stream's body streams as it arrives (the SDK parses SSE from it), any other body is read whole first (what
 * `json()`/`text()` would do anyway); an aborted signal rejects with its reason and cuts the connection; a
 * failure before the answer is `TypeError('fetch failed')` and one while its body is read is
 * `TypeError('terminated')`, the system error in `cause` (connection-trouble.ts reads them); gzip/deflate/br
 * bodies are decoded; no connection waits more than 10 s to open.
 */

const UTF8 = new TextDecoder(); // Strips a BOM, as fetch's text() does.

/** How long opening a connection may take (undici's default connect timeout, which the global fetch had). */
const CONNECT_TIMEOUT_MS = 10_000;

export interface UpstreamHttp {
  fetch: FetchLike;
  /** Closes the kept-alive connections (the agents stay usable: a later request opens a new one). */
  close(): void;
}

export interface UpstreamHttpOptions {
  /** What serves the requests this client does not (default the global fetch). */
  fallback?: FetchLike;
  /** The environment, read for NODE_USE_ENV_PROXY (the global fetch honours it; this client does not). */
  env?: NodeJS.ProcessEnv;
}

/** Creates the hub's upstream HTTP client. */
export function createUpstreamHttp(options: UpstreamHttpOptions = {}): UpstreamHttp {
  // Node's agents set TCP_NODELAY on their sockets already, and honour the server's Keep-Alive timeout hint.
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  const fallback: FetchLike = options.fallback ?? ((url, init) => globalThis.fetch(url, init));
  const viaProxy = (options.env ?? process.env).NODE_USE_ENV_PROXY === '1';

  const fetch: FetchLike = (url, init) => {
    const target = typeof url === 'string' ? new URL(url) : url;
    const body = init?.body;
    const bytes =
      body === undefined || body === null
        ? undefined
        : typeof body === 'string'
          ? Buffer.from(body)
          : body instanceof Uint8Array
            ? body
            : null;
    if (
      viaProxy ||
      init?.redirect !== 'manual' ||
      bytes === null ||
      target.username !== '' ||
      target.password !== '' ||
      (target.protocol !== 'http:' && target.protocol !== 'https:')
    )
      return fallback(url, init);
    return send(target, init ?? {}, bytes, agents[target.protocol]);
  };

  return {
    fetch,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function send(
  url: URL,
  init: RequestInit,
  body: Uint8Array | undefined,
  agent: http.Agent | https.Agent,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  const method = (init.method ?? 'GET').toUpperCase();
  let request: http.ClientRequest;
  try {
    const headers = requestHeaders(init.headers, body, method);
    request = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent });
  } catch (error) {
    // A header fetch would refuse (an invalid name or value): refused the same way, as a rejection.
    return Promise.reject(new TypeError('fetch failed', { cause: error }));
  }

  return new Promise<Response>((resolve, reject) => {
    let finished = false;
    // Set once the answer's head arrived: a failure after it is the body's ("terminated"), not the request's.
    let incoming: http.IncomingMessage | undefined;
    const answer = (response: Response) => {
      finished = true;
      resolve(response);
    };
    const fail = (error: unknown) => {
      if (finished) return;
      finished = true;
      reject(signal?.aborted === true ? signal.reason : error);
    };
    const onAbort = () => {
      fail(signal?.reason);
      // Cuts the connection, and errors a body still streaming with the reason, as fetch does.
      if (incoming) incoming.destroy(signal?.reason as Error);
      else request.destroy(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settled = () => signal?.removeEventListener('abort', onAbort);

    request.on('error', (error) => {
      settled();
      fail(incoming === undefined ? new TypeError('fetch failed', { cause: error }) : terminated(error));
    });
    request.on('socket', (socket: Socket) => boundConnect(request, socket));
    request.on('response', (response) => {
      incoming = response;
      response.once('close', settled);
      try {
        receive(response, method, answer, fail);
      } catch (error) {
        // A head a Response cannot carry (a status outside 200–599, a malformed header): fetch refuses it too.
        response.destroy();
        fail(new TypeError('fetch failed', { cause: error }));
      }
    });
    request.end(body);
  });
}

/** Turns the answer into a Response: at once for an event stream, once it is all in for any other body. */
function receive(
  response: http.IncomingMessage,
  method: string,
  answer: (response: Response) => void,
  fail: (error: unknown) => void,
): void {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const status = response.statusCode ?? 0;
  const init = { status, statusText: response.statusMessage ?? '', headers };
  if (method === 'HEAD' || status === 204 || status === 205 || status === 304) {
    response.resume();
    return answer(new Response(null, init));
  }
  const decoded = decode(response, headers.get('content-encoding'));
  const type = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  // An event stream streams as it arrives (the SDK parses it); cancelling it closes the connection.
  if (type === 'text/event-stream')
    return answer(new Response(Readable.toWeb(decoded) as ReadableStream, init));
  const chunks: Buffer[] = [];
  decoded.on('data', (chunk: Buffer) => chunks.push(chunk));
  decoded.once('end', () => {
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    try {
      answer(new BufferedResponse(bytes, init).asResponse());
    } catch (error) {
      fail(new TypeError('fetch failed', { cause: error })); // A status outside 200–599.
    }
  });
  decoded.once('error', (error) => fail(terminated(error)));
}

function requestHeaders(
  input: ConstructorParameters<typeof Headers>[0],
  body: Uint8Array | undefined,
  method: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of new Headers(input)) headers[name] = value;
  // What the global fetch adds when they are missing (it also asked for compression; we only decode it).
  headers.accept ??= '*/*';
  headers['user-agent'] ??= 'node';
  if (body !== undefined) {
    headers['content-length'] = String(body.byteLength);
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
  } else if (method === 'POST' || method === 'PUT') headers['content-length'] = '0';
  return headers;
}

/** A connection that does not open within CONNECT_TIMEOUT_MS fails as never connected. */
function boundConnect(request: http.ClientRequest, socket: Socket): void {
  if (!socket.connecting) return; // A kept-alive connection, reused.
  const timer = setTimeout(() => {
    const error = new Error(`could not connect within ${CONNECT_TIMEOUT_MS / 1000}s`);
    // The code the hub reads as "never connected" (connection-trouble.ts), as undici names it.
    request.destroy(Object.assign(error, { code: 'UND_ERR_CONNECT_TIMEOUT' }));
  }, CONNECT_TIMEOUT_MS);
  timer.unref();
  const clear = () => clearTimeout(timer);
  socket.once('encrypted' in socket ? 'secureConnect' : 'connect', clear);
  socket.once('close', clear);
}

function decode(response: http.IncomingMessage, encoding: string | null): Readable {
  const decoder = (() => {
    switch (encoding?.trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip();
      case 'deflate':
        return zlib.createInflate();
      case 'br':
        return zlib.createBrotliDecompress();
      default:
        return undefined;
    }
  })();
  // pipeline passes an error (or an abort) of either side on to the other.
  return decoder === undefined ? response : pipeline(response, decoder, () => {});
}

function terminated(cause: unknown): TypeError {
  return new TypeError('terminated', { cause });
}

/**
 * A Response whose body is already in memory. undici's Response wraps any body in a web ReadableStream and reads
 * it back through it for `json()`/`text()` (~0.1 ms per answer here); this one hands the bytes over directly,
 * and builds the stream only for a caller that asks for `body`.
 */
class BufferedResponse extends (Response as unknown as new (body: null, init: ResponseInit) => object) {
  readonly #bytes: Uint8Array;
  #used = false;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(bytes: Uint8Array, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }

  /** Built when asked for (a check like `if (!response.body)` reads nothing); the bytes go when it is pulled. */
  get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#stream ??= new ReadableStream<Uint8Array>(
      {
        pull: (controller) => {
          const bytes = this.#take(true);
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          controller.close();
        },
      },
      { highWaterMark: 0 }, // Pulled on a read, not ahead of it.
    );
    return this.#stream as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  async text(): Promise<string> {
    return UTF8.decode(this.#take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#copy().buffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#copy();
  }

  async blob(): Promise<Blob> {
    return new Blob([this.#copy()], { type: this.#response.headers.get('content-type') ?? '' });
  }

  async formData(): Promise<FormData> {
    return new Response(this.#copy(), this.#response).formData();
  }

  clone(): Response {
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes, this.#response).#response;
  }

  asResponse(): Response {
    return this.#response;
  }

  /** This, typed as what it is (TypeScript's lib declares Response's members as properties, not accessors). */
  get #response(): Response {
    return this as unknown as Response;
  }

  #copy(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.#take());
  }

  /** The bytes, once: a body is read at most once, as fetch's is (by its stream, or once the stream is taken). */
  #take(byStream = false): Uint8Array {
    if (this.#used || (!byStream && this.#stream?.locked === true))
      throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }
}
