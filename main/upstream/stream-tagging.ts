import type { FetchLike } from '@modelcontextprotocol/client';

/**
 * On Streamable HTTP a server→client request that belongs to one of our calls travels on the SSE response
 * stream of that call's POST (the server sends it "related" to the call). The SDK's transport does not pass
 * that on — its `onmessage` has no stream information — but the streams go through the fetch we give it. So
 * the pool names each call's POST with a header (stripped here, never sent), and this fetch watches the event
 * stream of every named POST:
 *
 * - a server→client request seen on it is remembered as belonging to that call (`callOf`), which is exactly
 *   the association the caller routing needs;
 * - a stream that ends without the call's answer and without an event id to resume from means the answer is
 *   lost (the server restarted, the network cut it): `onAnswerLost` fires at once, instead of the call waiting
 *   for its timeout. A resumable one is left to the SDK (it re-attaches with Last-Event-ID) — until the
 *   connection is retired: resuming needs the session, so then every such answer is lost too.
 *
 * The bytes pass through unchanged; the watcher parses a copy.
 */

/** The request header that names a call on its POST (removed before the request leaves). */
export const CALL_TAG_HEADER = 'x-switchboard-call';

/** How many request→call associations are kept; the oldest go first (each is read once, right away). */
const MAX_REMEMBERED = 1000;

export interface StreamTags {
  /** The fetch to give the transport. */
  fetch: FetchLike;
  /** The per-request headers that name call `callId` on its POST. */
  headersFor(callId: number): Record<string, string>;
  /** The call whose POST stream carried the server→client request with this JSON-RPC id, if any. */
  callOf(requestId: string | number): number | undefined;
  /** The session is gone: answers waiting for a resumption will not come (now or later). */
  retire(): void;
}

export interface StreamTagsOptions {
  /** The fetch to use underneath (tests inject one); default the global fetch. */
  base?: FetchLike;
  /** The stream of call `callId` ended before its answer and cannot be resumed. */
  onAnswerLost(callId: number): void;
}

/** Creates the watcher of one connection's streams. */
export function createStreamTags(options: StreamTagsOptions): StreamTags {
  const origin = new Map<string, number>();
  const remember = (requestId: unknown, callId: number) => {
    origin.set(keyOf(requestId), callId);
    if (origin.size > MAX_REMEMBERED) origin.delete(origin.keys().next().value as string);
  };

  let retired = false;
  // Calls whose stream ended unanswered but resumable: lost after all if the session goes.
  const awaitingResume = new Set<number>();
  const lost = (callId: number) => {
    awaitingResume.delete(callId);
    options.onAnswerLost(callId);
  };

  const fetch: FetchLike = async (url, init) => {
    const base = options.base ?? globalThis.fetch;
    const headers = new Headers(init?.headers);
    const tag = headers.get(CALL_TAG_HEADER);
    if (tag === null) return base(url, init);
    headers.delete(CALL_TAG_HEADER);
    const callId = Number(tag);
    const response = await base(url, { ...init, headers });
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    // The type first: a body that is already in memory builds its stream only when asked (upstream-http.ts).
    if (type !== 'text/event-stream' || !response.body) return response;

    const asked = requestIdsOf(init?.body);
    let answered = false;
    let resumable = false;
    const parser = createSseParser((event) => {
      if (event.id !== undefined) resumable = true;
      for (const message of messagesOf(event.data)) {
        if (typeof message.method === 'string' && message.id !== undefined) remember(message.id, callId);
        else if (message.method === undefined && asked.has(keyOf(message.id))) answered = true;
      }
    });
    const ended = () => {
      if (answered || init?.signal?.aborted === true) return;
      if (!resumable || retired) return lost(callId);
      awaitingResume.add(callId);
      if (awaitingResume.size > MAX_REMEMBERED)
        awaitingResume.delete(awaitingResume.values().next().value as number);
    };
    const reader = response.body.getReader();
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            parser.end();
            if (!cancelled) ended();
            controller.close();
            return;
          }
          parser.push(value);
          controller.enqueue(value);
        } catch (error) {
          if (!cancelled) ended();
          controller.error(error);
        }
      },
      cancel(reason) {
        cancelled = true;
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  return {
    fetch,
    headersFor: (callId) => ({ [CALL_TAG_HEADER]: String(callId) }),
    callOf(requestId) {
      const key = keyOf(requestId);
      const callId = origin.get(key);
      origin.delete(key);
      return callId;
    },
    retire() {
      retired = true;
      for (const callId of [...awaitingResume]) lost(callId);
    },
  };
}

function keyOf(id: unknown): string {
  return `${typeof id}:${String(id)}`;
}

interface Message {
  id?: unknown;
  method?: unknown;
}

function messagesOf(data: string): Message[] {
  if (data === '') return [];
  try {
    const parsed: unknown = JSON.parse(data);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.filter((m): m is Message => typeof m === 'object' && m !== null);
  } catch {
    return [];
  }
}

function requestIdsOf(body: unknown): Set<string> {
  const ids = new Set<string>();
  if (typeof body !== 'string') return ids;
  for (const message of messagesOf(body)) {
    if (typeof message.method === 'string' && message.id !== undefined) ids.add(keyOf(message.id));
  }
  return ids;
}

interface SseEvent {
  id?: string;
  data: string;
}

/** A minimal server-sent-events parser (fields `id` and `data`; the rest is not needed here). */
function createSseParser(onEvent: (event: SseEvent) => void) {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  let any = false;
  const dispatch = () => {
    if (any) onEvent({ id, data: data.join('\n') });
    data = [];
    id = undefined;
    any = false;
  };
  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      data.push(value);
      any = true;
    } else if (field === 'id') {
      id = value;
      any = true;
    }
  };
  const drain = (final: boolean) => {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A lone \r at the end may be the first half of \r\n: wait for more unless the stream ended.
      if (!match || (match[0] === '\r' && match.index === buffer.length - 1 && !final)) break;
      line(buffer.slice(0, match.index));
      buffer = buffer.slice(match.index + match[0].length);
    }
  };
  return {
    push(chunk: Uint8Array) {
      buffer += decoder.decode(chunk, { stream: true });
      drain(false);
    },
    end() {
      buffer += decoder.decode();
      drain(true);
      if (buffer !== '') line(buffer);
      buffer = '';
    },
  };
}
