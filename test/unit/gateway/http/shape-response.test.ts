import { describe, expect, it } from 'vitest';
import { shapePostResponse } from '../../../../main/gateway/http/shape-response.ts';

/**
 * A session-era POST answered by the SDK with an SSE stream holding only the JSON-RPC response goes out as
 * application/json; anything else (notifications first, a batch, a slow answer, other responses) is streamed
 * unchanged.
 */

const encoder = new TextEncoder();
const event = (message: unknown) => encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
const request = (accept = 'application/json, text/event-stream') =>
  new Request('http://127.0.0.1:1/mcp', { method: 'POST', headers: { accept } });

/** An SDK-like SSE response whose stream the test drives. */
function sseResponse(): { response: Response; push(chunk: Uint8Array): void; close(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const response = new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': 'sid-1' },
  });
  return { response, push: (c) => controller.enqueue(c), close: () => controller.close() };
}

describe('shapePostResponse', () => {
  it('answers a lone response as JSON with the session id and a length', async () => {
    const sse = sseResponse();
    const result = { result: { content: [{ type: 'text', text: 'hi' }] }, jsonrpc: '2.0', id: 7 };
    let done = 0;
    const shaped = shapePostResponse(sse.response, request(), () => (done += 1));
    sse.push(event(result));
    sse.close();
    const response = await shaped;
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('mcp-session-id')).toBe('sid-1');
    expect(Number(response.headers.get('content-length'))).toBe(JSON.stringify(result).length);
    expect(await response.json()).toEqual(result);
    expect(done).toBe(1);
  });

  it('recognises an error response too', async () => {
    const sse = sseResponse();
    const error = { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad' } };
    const shaped = shapePostResponse(sse.response, request(), () => {});
    sse.push(event(error));
    sse.close();
    const response = await shaped;
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(error);
  });

  it('streams SSE unchanged when a notification comes before the response', async () => {
    const sse = sseResponse();
    let done = 0;
    const shaped = shapePostResponse(sse.response, request(), () => (done += 1));
    const progress = {
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 1 },
    };
    sse.push(event(progress));
    const response = await shaped;
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('mcp-session-id')).toBe('sid-1');
    const result = { result: {}, jsonrpc: '2.0', id: 1 };
    sse.push(event(result));
    sse.close();
    const text = await response.text();
    expect(text).toBe(new TextDecoder().decode(event(progress)) + new TextDecoder().decode(event(result)));
    expect(done).toBe(1);
  });

  it('sends SSE headers when nothing arrived within the hold time, then streams', async () => {
    const sse = sseResponse();
    let done = 0;
    const response = await shapePostResponse(sse.response, request(), () => (done += 1), 5);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(done).toBe(0);
    const result = { result: {}, jsonrpc: '2.0', id: 2 };
    sse.push(event(result));
    sse.close();
    expect(await response.text()).toBe(new TextDecoder().decode(event(result)));
    expect(done).toBe(1);
  });

  it('streams a lone event that is not a response (a server request) as SSE', async () => {
    const sse = sseResponse();
    const shaped = shapePostResponse(sse.response, request(), () => {});
    const ask = { method: 'sampling/createMessage', params: {}, jsonrpc: '2.0', id: 0 };
    sse.push(event(ask));
    sse.close();
    const response = await shaped;
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe(new TextDecoder().decode(event(ask)));
  });

  it('leaves JSON answers, empty answers and clients that do not accept JSON alone', async () => {
    const json = await shapePostResponse(Response.json({ ok: true }, { status: 400 }), request(), () => {});
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ ok: true });
    const sse = sseResponse();
    const shaped = await shapePostResponse(sse.response, request('text/event-stream'), () => {});
    expect(shaped.headers.get('content-type')).toBe('text/event-stream');
    sse.close();
    let done = 0;
    await shapePostResponse(new Response(null, { status: 202 }), request(), () => (done += 1));
    expect(done).toBe(1);
  });
});
