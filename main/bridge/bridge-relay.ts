import type {
  JSONRPCMessage,
  JSONRPCRequest,
  RequestId,
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/client';
import {
  isInitializedNotification,
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  PROTOCOL_VERSION_META_KEY,
  SdkHttpError,
} from '@modelcontextprotocol/client';
import { errorMessage } from '../lib/errors.ts';

/**
 * A raw JSON-RPC relay between the AI client (stdio) and the gateway (Streamable HTTP), both through the
 * SDK's transports: no framing of our own, and no protocol logic beyond what a relay must own itself —
 * the HTTP session (replayed when the gateway restarted, answered 404), the protocol-version header the
 * SDK Client would normally set, and turning failures into JSON-RPC errors so the client never hangs.
 */

/** The upstream side: an SDK StreamableHTTPClientTransport, created fresh for every (re)connection. */
export interface UpstreamTransport extends Transport {
  readonly sessionId?: string | undefined;
  setProtocolVersion(version: string): void;
  terminateSession?(): Promise<void>;
}

export interface BridgeRelayOptions {
  /** The AI client's side (StdioServerTransport in production). */
  downstream: Transport;
  /** A new transport to the gateway. */
  createUpstream(): UpstreamTransport;
  /** Waits (bounded) until the gateway answers; false when it did not come up in time. */
  waitForGateway(): Promise<boolean>;
  /** One human-readable line for stderr. */
  notify(line: string): void;
  /** What to tell the client when the gateway cannot be reached. */
  unreachableMessage(): string;
  /** How long a replayed initialize may take. Default 30 s. */
  reinitTimeoutMs?: number;
}

export interface BridgeRelay {
  /** Resolves once the client closed its side and the relay let go of the gateway. */
  readonly done: Promise<void>;
  /** Ends the relay (as if the client had closed stdin). */
  close(): Promise<void>;
}

/** JSON-RPC code of errors the relay itself answers with (generic server error). */
export const BRIDGE_ERROR_CODE = -32000;

const INTERNAL_ID_PREFIX = 'switchboard-bridge/';

/** Starts relaying; the downstream transport is started here. */
export async function startBridgeRelay(options: BridgeRelayOptions): Promise<BridgeRelay> {
  const { downstream } = options;
  let upstream: UpstreamTransport | undefined;
  let connecting: Promise<void> | undefined;
  let initRequest: JSONRPCRequest | undefined;
  let initDone = false;
  let sawInitialized = false;
  let listChanged = { tools: false, prompts: false, resources: false };
  let closed = false;
  let internalSeq = 0;
  const internal = new Map<RequestId, (message: JSONRPCMessage) => void>();
  /** Client requests still waiting for an answer: failures must answer them. */
  const pending = new Set<RequestId>();
  /** 2026-07-28 requests in flight: cancelling one means aborting its HTTP exchange. */
  const modernInFlight = new Map<RequestId, AbortController>();
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const toClient = (message: JSONRPCMessage) => {
    downstream.send(message).catch(() => {
      // The client is gone; stdin will close and end the relay.
    });
  };

  const failRequest = (message: JSONRPCMessage, text: string) => {
    if (!isJSONRPCRequest(message) || !pending.delete(message.id)) return;
    modernInFlight.delete(message.id);
    toClient({ jsonrpc: '2.0', id: message.id, error: { code: BRIDGE_ERROR_CODE, message: text } });
  };

  const fromUpstream = (transport: UpstreamTransport, message: JSONRPCMessage) => {
    const id = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message) ? message.id : undefined;
    if (id !== undefined) {
      const settle = internal.get(id);
      if (settle) {
        internal.delete(id);
        settle(message);
        return;
      }
      if (!pending.delete(id)) return; // already answered (cancelled, or failed over)
      modernInFlight.delete(id);
      if (isJSONRPCResultResponse(message) && initRequest !== undefined && id === initRequest.id) {
        onInitialized(transport, message.result);
      }
    }
    toClient(message);
  };

  const onInitialized = (transport: UpstreamTransport, result: Record<string, unknown>) => {
    // The SDK Client would do this: every later request carries the negotiated MCP-Protocol-Version.
    const version = result.protocolVersion;
    if (typeof version === 'string') transport.setProtocolVersion(version);
    const caps = (result.capabilities ?? {}) as Record<string, { listChanged?: boolean } | undefined>;
    listChanged = {
      tools: !!caps.tools?.listChanged,
      prompts: !!caps.prompts?.listChanged,
      resources: !!caps.resources?.listChanged,
    };
    initDone = true;
  };

  const detach = (transport: UpstreamTransport) => {
    if (upstream === transport) upstream = undefined;
    transport.onmessage = undefined;
    transport.onerror = undefined;
    transport.onclose = undefined;
    transport.close().catch(() => {});
  };

  const internalRequest = (
    transport: UpstreamTransport,
    method: string,
    params: unknown,
  ): Promise<JSONRPCMessage> => {
    const id = `${INTERNAL_ID_PREFIX}${++internalSeq}`;
    return new Promise<JSONRPCMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        internal.delete(id);
        reject(new Error(`the gateway did not answer ${method}`));
      }, options.reinitTimeoutMs ?? 30_000);
      internal.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      transport.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage).catch((error: unknown) => {
        clearTimeout(timer);
        internal.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  };

  /** A new session on a restarted gateway: replay the client's handshake, then tell it lists may differ. */
  const replayHandshake = async (transport: UpstreamTransport) => {
    if (initRequest === undefined) return;
    const reply = await internalRequest(transport, 'initialize', initRequest.params);
    if (!isJSONRPCResultResponse(reply)) throw new Error('the gateway refused the replayed initialize');
    onInitialized(transport, reply.result);
    if (sawInitialized) await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (listChanged.tools) toClient({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    if (listChanged.prompts) toClient({ jsonrpc: '2.0', method: 'notifications/prompts/list_changed' });
    if (listChanged.resources) toClient({ jsonrpc: '2.0', method: 'notifications/resources/list_changed' });
    options.notify('switchboard bridge: reconnected to Switchboard (new session)');
  };

  const connect = async () => {
    if (!(await options.waitForGateway())) throw new Error(options.unreachableMessage());
    const transport = options.createUpstream();
    transport.onmessage = (message) => fromUpstream(transport, message);
    transport.onerror = (error) => {
      // The GET stream reconnecting to a restarted gateway gets 404: the session is gone. Renew it now,
      // so notifications keep flowing even while the client is idle.
      if (upstream === transport && initDone && sessionGone(error)) {
        detach(transport);
        void ensureUpstream().catch(() => {});
      }
    };
    await transport.start();
    upstream = transport;
    if (initDone) {
      try {
        await replayHandshake(transport);
      } catch (error) {
        detach(transport);
        throw error;
      }
    }
  };

  const ensureUpstream = async (): Promise<UpstreamTransport> => {
    for (;;) {
      if (closed) throw new Error('the bridge is closing');
      if (upstream !== undefined) return upstream;
      connecting ??= connect().finally(() => (connecting = undefined));
      await connecting;
    }
  };

  const sendOptions = (message: JSONRPCMessage): TransportSendOptions | undefined => {
    if (!isJSONRPCRequest(message)) return undefined;
    const id = message.id;
    const streamEnded = () =>
      failRequest(message, 'Switchboard closed the response before answering (was it stopped?)');
    const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
    if (typeof meta?.[PROTOCOL_VERSION_META_KEY] !== 'string') return { onRequestStreamEnd: streamEnded };
    const controller = new AbortController();
    modernInFlight.set(id, controller);
    return { requestSignal: controller.signal, onRequestStreamEnd: streamEnded };
  };

  const forward = async (message: JSONRPCMessage, attempt = 0): Promise<void> => {
    let transport: UpstreamTransport;
    try {
      transport = await ensureUpstream();
    } catch (error) {
      failRequest(message, errorText(error));
      return;
    }
    const sendOpts = sendOptions(message);
    try {
      await transport.send(message, sendOpts);
    } catch (error) {
      if (closed || sendOpts?.requestSignal?.aborted) return;
      const status = error instanceof SdkHttpError ? error.status : undefined;
      const sessionLost =
        status === 404 && transport.sessionId !== undefined && !isInitializeRequest(message);
      if (attempt === 0 && (sessionLost || isNetworkError(error))) {
        detach(transport);
        return forward(message, 1);
      }
      failRequest(message, errorText(error));
    }
  };

  downstream.onmessage = (message) => {
    if (isJSONRPCRequest(message)) {
      pending.add(message.id);
      if (isInitializeRequest(message)) {
        initRequest = message;
        initDone = false;
      }
    } else if (isInitializedNotification(message)) {
      sawInitialized = true;
    } else if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const controller = requestId === undefined ? undefined : modernInFlight.get(requestId);
      if (controller && requestId !== undefined) {
        // 2026-07-28 cancels by closing the request's stream, not by a notification.
        modernInFlight.delete(requestId);
        pending.delete(requestId);
        controller.abort();
        return;
      }
    }
    void forward(message);
  };

  const finish = async () => {
    if (closed) return;
    closed = true;
    const transport = upstream;
    upstream = undefined;
    if (transport) {
      // Politely end the HTTP session (best effort: the gateway's sweep would close it anyway).
      await Promise.race([
        transport.terminateSession?.().catch(() => {}),
        new Promise((r) => setTimeout(r, 1_000).unref()),
      ]);
      detach(transport);
    }
    for (const controller of modernInFlight.values()) controller.abort();
    resolveDone();
  };
  downstream.onclose = () => void finish();
  downstream.onerror = (error) =>
    options.notify(`switchboard bridge: ignoring an unreadable message from the client (${error.message})`);

  await downstream.start();
  return {
    done,
    async close() {
      await downstream.close();
      await finish();
      await done;
    },
  };
}

/** True for the errors fetch throws when nothing listens (refused, reset) — the gateway is down or restarting. */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof SdkHttpError) return false;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown }).code;
  return (
    error.name === 'TypeError' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'EPIPE'
  );
}

/** True when an upstream error says the HTTP session no longer exists on the gateway. */
export function sessionGone(error: unknown): boolean {
  if (error instanceof SdkHttpError) return error.status === 404;
  return error instanceof Error && /SSE stream.*Not Found/i.test(error.message);
}

/** The message to show the client: the gateway's own JSON-RPC error message when there is one. */
export function errorText(error: unknown): string {
  if (error instanceof SdkHttpError) {
    const text = (error.data as { text?: unknown }).text;
    if (typeof text === 'string') {
      try {
        const body = JSON.parse(text) as { error?: { message?: unknown } };
        if (typeof body.error?.message === 'string') return `Switchboard: ${body.error.message}`;
      } catch {
        // not JSON: fall through
      }
    }
    return `Switchboard answered HTTP ${error.status}`;
  }
  return errorMessage(error);
}
