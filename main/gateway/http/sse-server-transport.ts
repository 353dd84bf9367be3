import type { JSONRPCMessage, MessageExtraInfo, Transport } from '@modelcontextprotocol/server';
import { parseJSONRPCMessage } from '@modelcontextprotocol/server';

/**
 * Server side of the deprecated HTTP+SSE transport (protocol 2024-11-05): `GET /sse` opens an event
 * stream whose first event names the POST endpoint; every server message is a `message` event. Written
 * over web streams (about the size of the SDK's frozen copy in @modelcontextprotocol/server-legacy, which
 * would pull in express and a second copy of the SDK core, and sends no keep-alives). JSON-RPC parsing
 * is the SDK's own.
 */
export class SseServerTransport implements Transport {
  readonly sessionId: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly encoder = new TextEncoder();
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private readonly endpointUrl: string;
  private readonly keepAliveMs: number;

  /** `endpoint` is the POST path the client is told to use; the session id is appended as a query. */
  constructor(endpoint: string, sessionId: string, options: { keepAliveMs?: number } = {}) {
    this.sessionId = sessionId;
    this.endpointUrl = `${endpoint}?sessionId=${encodeURIComponent(sessionId)}`;
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
  }

  /** The `GET /sse` response: an event stream that starts with the endpoint event. Call once. */
  response(): Response {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        this.write(`event: endpoint\ndata: ${this.endpointUrl}\n\n`);
        if (this.keepAliveMs > 0) {
          this.keepAlive = setInterval(() => this.write(': keepalive\n\n'), this.keepAliveMs);
          this.keepAlive.unref?.();
        }
      },
      // The client went away: the session is over.
      cancel: () => void this.close(),
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      },
    });
  }

  /** Nothing to do: the stream exists from `response()` on. */
  async start(): Promise<void> {}

  /** Sends one message as a `message` event. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('SSE session is closed');
    this.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /**
   * Hands a POSTed body (already parsed) to the server: one message or a batch. Throws, delivering
   * nothing, when any element is not a JSON-RPC message.
   */
  deliver(body: unknown, extra: MessageExtraInfo): void {
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0) throw new Error('empty batch');
    const messages = items.map((item) => parseJSONRPCMessage(item));
    for (const message of messages) this.onmessage?.(message, extra);
  }

  /** Ends the stream and tells the server. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    try {
      this.controller?.close();
    } catch {
      // Already cancelled by the client.
    }
    this.onclose?.();
  }

  private write(frame: string): void {
    if (this.closed || this.controller === undefined) return;
    try {
      this.controller.enqueue(this.encoder.encode(frame));
    } catch (error) {
      this.onerror?.(error as Error);
      void this.close();
    }
  }
}
