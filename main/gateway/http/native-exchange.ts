import type http from 'node:http';
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { LegacyToolCall } from '../gateway-core.ts';
import type { PlainToolCall } from './plain-tool-call.ts';
import { plainToolCall, toolCallAnswer, toolCallError } from './plain-tool-call.ts';
import { HOLD_HEADERS_MS } from './shape-response.ts';

/**
 * The hot path of a session-era session: a POST in an established session, served on Node's own request and
 * response, with no web-standard Request, Headers or ReadableStream per call. The SDK still speaks the protocol:
 * the session's Server is the same, and everything else of the session — initialize, the GET stream, DELETE,
 * every malformed or unusual request — still goes through the SDK's transport (`inner`). This class sits
 * between the two: the Server talks to it; it hands the Server the messages of native POSTs and routes the
 * Server's answers to them back to their Node response, and everything else to `inner`.
 *
 * A plain tools/call of a native POST (plain-tool-call.ts) skips the Server's dispatch too: it goes straight to the
 * session's tools/call handler (`toolCall`, the one the Server would call), without the SDK's per-message type
 * guards and its validation of the request and of our result — about 6% of serve's CPU per call (issue 15).
 * This class then does what the Server's dispatch did for it: an abort signal per call, aborted by the client's
 * `notifications/cancelled` or by closing; no answer for a cancelled call; errors mapped as the Server maps them.
 * The call's notifications and server→client requests still go through the Server (`legacyToolCallOf`).
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

/** The request id a `notifications/cancelled` names, if the message is one. */
function cancelledId(message: JSONRPCMessage): RequestId | undefined {
  if (!('method' in message) || message.method !== 'notifications/cancelled' || 'id' in message)
    return undefined;
  const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

export class NativeSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly exchanges = new Map<RequestId, Exchange>();
  private readonly open = new Set<Exchange>();
  /** Requests whose client went away before the answer: the answer (and what relates to it) is dropped. */
  private readonly dropped = new Set<RequestId>();
  /** Tool calls this class is running (not the Server), by request id. */
  private readonly calls = new Map<RequestId, AbortController>();
  private closed = false;

  readonly inner: WebStandardStreamableHTTPServerTransport;
  private readonly options: { keepAliveMs: number; holdMs?: number; toolCall?: LegacyToolCall };

  constructor(
    inner: WebStandardStreamableHTTPServerTransport,
    options: { keepAliveMs: number; holdMs?: number; toolCall?: LegacyToolCall },
  ) {
    this.inner = inner;
    this.options = options;
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message, extra) => this.receive(message, extra, false);
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
      for (const message of messages) this.receive(message, {}, false);
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
    for (const message of messages) this.receive(message, {}, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.calls.values()) call.abort(new Error('Connection closed'));
    this.calls.clear();
    for (const exchange of [...this.open]) {
      if (exchange.streaming) exchange.response.end();
      else exchange.response.destroy();
      this.finish(exchange);
    }
    await this.inner.close();
  }

  /**
   * One message from the client: a plain tools/call of a native POST is run here, anything else goes to the
   * Server — a cancellation of a call run here aborts it first (the Server, which does not know the id, ignores it).
   */
  private receive(message: JSONRPCMessage, extra: MessageExtraInfo | undefined, native: boolean): void {
    const call = native && this.options.toolCall !== undefined ? plainToolCall(message) : undefined;
    if (call !== undefined) return this.runToolCall(call, this.options.toolCall!);
    const cancelled = cancelledId(message);
    if (cancelled !== undefined) {
      const reason = (message as { params?: { reason?: unknown } }).params?.reason;
      this.calls.get(cancelled)?.abort(reason);
    }
    this.onmessage?.(message, extra);
  }

  private runToolCall(call: PlainToolCall, toolCall: LegacyToolCall): void {
    const controller = new AbortController();
    this.calls.set(call.id, controller);
    // Started on a later microtask and answered through send(), as the Server's dispatch does.
    void Promise.resolve()
      .then(() => toolCall(call.params, { id: call.id, signal: controller.signal }))
      .then(
        (result) => toolCallAnswer(call.id, result),
        (error: unknown) => toolCallError(call.id, error),
      )
      .then(async (answer) => {
        if (this.calls.get(call.id) === controller) this.calls.delete(call.id);
        if (controller.signal.aborted) return; // cancelled or closed: no answer, as the SDK does
        await this.send(answer);
      })
      .catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
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
