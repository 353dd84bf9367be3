import type http from 'node:http';
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { HOLD_HEADERS_MS } from './shape-response.ts';

/**
 * The hot path of a session-era session: a POST in an established session, served on Node's own request and
 * response, with no web-standard Request, Headers or ReadableStream per call. The SDK still speaks the protocol:
 * the session's Server is the same, and everything else of the session — initialize, the GET stream, DELETE,
 * every malformed or unusual request — still goes through the SDK's transport (`inner`). This class sits
 * between the two: the Server talks to it; it hands the Server the messages of native POSTs and routes the
 * Server's answers to them back to their Node response, and everything else to `inner`.
 *
 * An answer goes out the way shape-response.ts describes: one response → one `application/json` body with a
 * Content-Length (one write); a notification or server→client request before it, or nothing within
 * HOLD_HEADERS_MS → an SSE stream with keep-alives, ended once every request of the POST is answered.
 */

type RequestId = string | number;

/** One native POST: its Node response and the requests of it still unanswered. */
interface Exchange {
  response: http.ServerResponse;
  pending: Set<RequestId>;
  sessionId: string | undefined;
  streaming: boolean;
  holdTimer: NodeJS.Timeout | undefined;
  keepAlive: NodeJS.Timeout | undefined;
  done: boolean;
  onDone: () => void;
}

const isResponse = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } =>
  'id' in message && !('method' in message) && ('result' in message || 'error' in message);

export class NativeSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly exchanges = new Map<RequestId, Exchange>();
  private readonly open = new Set<Exchange>();
  /** Requests whose client went away before the answer: the answer (and what relates to it) is dropped. */
  private readonly dropped = new Set<RequestId>();
  private closed = false;

  readonly inner: WebStandardStreamableHTTPServerTransport;
  private readonly options: { keepAliveMs: number; holdMs?: number };

  constructor(
    inner: WebStandardStreamableHTTPServerTransport,
    options: { keepAliveMs: number; holdMs?: number },
  ) {
    this.inner = inner;
    this.options = options;
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => this.closedByInner();
    await this.inner.start();
  }

  setProtocolVersion(version: string): void {
    (this.inner as { setProtocolVersion?: (v: string) => void }).setProtocolVersion?.(version);
  }

  setSupportedProtocolVersions(versions: string[]): void {
    this.inner.setSupportedProtocolVersions(versions);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = isResponse(message);
    const id = response ? message.id : options?.relatedRequestId;
    const exchange = id === undefined ? undefined : this.exchanges.get(id);
    if (exchange === undefined) {
      if (id !== undefined && this.dropped.has(id)) {
        if (response) this.dropped.delete(id);
        return;
      }
      return this.inner.send(message, options);
    }
    if (response) {
      this.exchanges.delete(id!);
      exchange.pending.delete(id!);
    }
    this.deliver(exchange, message, response);
  }

  /**
   * Serves one POST whose messages were already checked (every one a well-formed JSON-RPC message, none an
   * initialize): requests are answered on `response`; a POST of only notifications and responses gets 202.
   * `onDone` runs once, when the exchange is over (answered, or the client went away). A `batch` (a JSON array,
   * even of one) is always answered as a stream, as the SDK's transport answers it.
   */
  handlePost(
    messages: JSONRPCMessage[],
    response: http.ServerResponse,
    onDone: () => void,
    batch = messages.length > 1,
  ): void {
    const requests = messages.filter((m) => 'method' in m && 'id' in m) as (JSONRPCMessage & {
      id: RequestId;
    })[];
    if (this.closed) {
      onDone();
      writeJson(
        response,
        404,
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
      );
      return;
    }
    if (requests.length === 0) {
      response.writeHead(202).end();
      onDone();
      for (const message of messages) this.onmessage?.(message, {});
      return;
    }
    const exchange: Exchange = {
      response,
      pending: new Set(requests.map((r) => r.id)),
      sessionId: this.sessionId,
      streaming: false,
      holdTimer: undefined,
      keepAlive: undefined,
      done: false,
      onDone,
    };
    this.open.add(exchange);
    for (const id of exchange.pending) this.exchanges.set(id, exchange);
    // A batch is always streamed (each answer as it comes); a lone request may be answered as plain JSON.
    if (batch || requests.length > 1) this.startStream(exchange);
    else {
      exchange.holdTimer = setTimeout(
        () => this.startStream(exchange),
        this.options.holdMs ?? HOLD_HEADERS_MS,
      );
      exchange.holdTimer.unref();
    }
    response.once('close', () => this.finish(exchange));
    for (const message of messages) this.onmessage?.(message, {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const exchange of [...this.open]) {
      if (exchange.streaming) exchange.response.end();
      else exchange.response.destroy();
      this.finish(exchange);
    }
    await this.inner.close();
  }

  private closedByInner(): void {
    if (!this.closed) void this.close();
    this.onclose?.();
  }

  private deliver(exchange: Exchange, message: JSONRPCMessage, response: boolean): void {
    if (exchange.done) return; // the client went away: the answer is dropped, as the SDK transport does
    const json = JSON.stringify(message);
    if (!exchange.streaming && response && exchange.pending.size === 0) {
      clearTimeout(exchange.holdTimer);
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (exchange.sessionId !== undefined) headers['mcp-session-id'] = exchange.sessionId;
      writeJson(exchange.response, 200, json, headers);
      this.finish(exchange);
      return;
    }
    this.startStream(exchange);
    exchange.response.write(`event: message\ndata: ${json}\n\n`);
    if (exchange.pending.size === 0) {
      exchange.response.end();
      this.finish(exchange);
    }
  }

  private startStream(exchange: Exchange): void {
    if (exchange.streaming || exchange.done) return;
    clearTimeout(exchange.holdTimer);
    exchange.streaming = true;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    };
    if (exchange.sessionId !== undefined) headers['mcp-session-id'] = exchange.sessionId;
    exchange.response.writeHead(200, headers);
    exchange.response.flushHeaders();
    if (this.options.keepAliveMs > 0) {
      exchange.keepAlive = setInterval(
        () => exchange.response.write(': keepalive\n\n'),
        this.options.keepAliveMs,
      );
      exchange.keepAlive.unref();
    }
  }

  private finish(exchange: Exchange): void {
    if (exchange.done) return;
    exchange.done = true;
    clearTimeout(exchange.holdTimer);
    clearInterval(exchange.keepAlive);
    this.open.delete(exchange);
    for (const id of exchange.pending) {
      if (this.exchanges.get(id) === exchange) this.exchanges.delete(id);
      this.dropped.add(id);
    }
    exchange.onDone();
  }
}

function writeJson(
  response: http.ServerResponse,
  status: number,
  json: string,
  headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' },
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  headers['content-length'] = Buffer.byteLength(json);
  response.writeHead(status, headers);
  response.end(json);
}
