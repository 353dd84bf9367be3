import { trackReader, trackResponse } from './track-response.ts';

/**
 * The SDK's session-era transport answers every POST that carries a request with an SSE stream, even when the
 * stream ends up holding one event: the JSON-RPC response. Streamed that way, a tools/call costs three socket
 * writes (headers, chunk, chunked terminator) and two stream layers on our side, and an SSE parser on the
 * client's; tools/list at catalog scale is a 250 KB event pushed through all of it.
 *
 * The spec lets the server pick either form for each POST (Streamable HTTP: "MUST either return
 * Content-Type: text/event-stream … or Content-Type: application/json"; clients MUST support both). So the
 * headers are held back briefly: when the stream turns out to be exactly one JSON-RPC response, it goes out as
 * one `application/json` body with a Content-Length (one write). Anything else — a progress notification, a
 * log message, a server→client request, a batch, or nothing within `holdMs` (a long call: the client gets
 * its headers and keep-alives as before) — is streamed unchanged, without delay.
 */

/** How long response headers may wait for the first event before the answer is streamed as SSE. */
export const HOLD_HEADERS_MS = 1000;

const EVENT_PREFIX = Buffer.from('event: message\ndata: ', 'latin1');
const RESULT_PREFIX = Buffer.from('{"result":', 'latin1');
/** Events larger than this are only recognised by the SDK's `{"result":` prefix, never parsed to check. */
const PARSE_LIMIT = 64 * 1024;

const TIMED_OUT = Symbol('timed out');

/** Shapes the answer to a session-era POST; `onDone` runs once, when the exchange is over (see trackResponse). */
export async function shapePostResponse(
  response: Response,
  request: Request,
  onDone: () => void,
  holdMs: number = HOLD_HEADERS_MS,
): Promise<Response> {
  const body = response.body;
  if (
    body === null ||
    response.status !== 200 ||
    !(response.headers.get('content-type') ?? '').startsWith('text/event-stream') ||
    !(request.headers.get('accept') ?? '').includes('application/json')
  ) {
    return trackResponse(response, request.signal, onDone);
  }
  const reader = body.getReader();
  const firstRead = reader.read();
  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    firstRead,
    new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, holdMs, TIMED_OUT);
    }),
  ]);
  clearTimeout(timer);
  if (first === TIMED_OUT) return trackReader(response, reader, request.signal, onDone, [], firstRead);
  if (first.done) return trackReader(response, reader, request.signal, onDone, [], firstRead);

  // The SDK closes a request's stream in the same tick it writes the last response, so "closed" is known now.
  const secondRead = reader.read();
  const second = await Promise.race([secondRead, Promise.resolve().then(() => undefined)]);
  const json = second?.done === true ? responseBytes(first.value) : undefined;
  if (json === undefined)
    return trackReader(response, reader, request.signal, onDone, [first.value], secondRead);

  onDone();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sessionId = response.headers.get('mcp-session-id');
  if (sessionId !== null) headers['mcp-session-id'] = sessionId;
  headers['content-length'] = String(json.byteLength);
  // A one-chunk stream rather than the bytes themselves: a Response copies a BufferSource body, and at catalog
  // scale this is a 250 KB answer on every tools/list.
  const bodyStream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(json);
      controller.close();
    },
  });
  return new Response(bodyStream, { status: 200, headers });
}

/** The JSON of `chunk` when it is one SSE `message` event holding a JSON-RPC response; else undefined. */
function responseBytes(chunk: Uint8Array): Uint8Array | undefined {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const end = bytes.length - 2;
  if (end <= EVENT_PREFIX.length || bytes[end] !== 0x0a || bytes[end + 1] !== 0x0a) return undefined;
  if (bytes.compare(EVENT_PREFIX, 0, EVENT_PREFIX.length, 0, EVENT_PREFIX.length) !== 0) return undefined;
  // One event, one data line: JSON text never holds a raw newline, so any other one means more lines.
  const json = bytes.subarray(EVENT_PREFIX.length, end);
  if (json.includes(0x0a)) return undefined;
  if (json.compare(RESULT_PREFIX, 0, RESULT_PREFIX.length, 0, RESULT_PREFIX.length) === 0) return json;
  if (json.length > PARSE_LIMIT) return undefined;
  try {
    const message = JSON.parse(json.toString('utf8')) as Record<string, unknown> | null;
    const isResponse =
      typeof message === 'object' &&
      message !== null &&
      !Array.isArray(message) &&
      !('method' in message) &&
      ('result' in message || 'error' in message);
    return isResponse ? json : undefined;
  } catch {
    return undefined;
  }
}
