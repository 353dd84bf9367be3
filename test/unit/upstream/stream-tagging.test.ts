import { describe, expect, it } from 'vitest';
import { CALL_TAG_HEADER, createStreamTags } from '../../../main/upstream/stream-tagging.ts';

/** A fake server: answers each POST with an SSE body made of `chunks` (then ends, or errors with `fail`). */
function sseServer(chunks: string[], options: { fail?: boolean; contentType?: string } = {}) {
  const seen: Headers[] = [];
  const base = async (_url: string | URL, init?: RequestInit) => {
    seen.push(new Headers(init?.headers));
    const encoder = new TextEncoder();
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]));
        else if (options.fail) controller.error(new TypeError('terminated'));
        else controller.close();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { 'content-type': options.contentType ?? 'text/event-stream' },
    });
  };
  return { base, seen };
}

const post = (id: number, callId?: number): RequestInit => ({
  method: 'POST',
  headers:
    callId === undefined ? { 'content-type': 'application/json' } : { [CALL_TAG_HEADER]: String(callId) },
  body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x' } }),
});

const drain = async (response: Response) => {
  const text = await response.text().catch((error: unknown) => `ERROR ${String(error)}`);
  return text;
};

const event = (message: unknown, id?: string) =>
  `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(message)}\n\n`;
const ask = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'sampling/createMessage', params: {} });
const answer = (id: number) => ({ jsonrpc: '2.0', id, result: { content: [] } });

describe('createStreamTags', () => {
  it('strips the call header and remembers which call a server request came with', async () => {
    const server = sseServer([event(ask(7)), event(answer(1))]);
    const tags = createStreamTags({ base: server.base, onAnswerLost: () => {} });
    const body = await drain(await tags.fetch('http://x/mcp', post(1, 42)));
    expect(body).toContain('sampling/createMessage');
    expect(server.seen[0]?.has(CALL_TAG_HEADER)).toBe(false);
    expect(tags.callOf(7)).toBe(42);
    // Read once: an id the server reuses later must not be mistaken for this call.
    expect(tags.callOf(7)).toBeUndefined();
    expect(tags.callOf('7')).toBeUndefined();
  });

  it('passes untagged requests through untouched', async () => {
    const server = sseServer([event(ask(3))]);
    const tags = createStreamTags({ base: server.base, onAnswerLost: () => {} });
    await drain(await tags.fetch('http://x/mcp', post(1)));
    expect(tags.callOf(3)).toBeUndefined();
  });

  it('parses events split across chunks, CRLF lines and multi-line data', async () => {
    // One event whose JSON spans two data lines (joined by a newline, which JSON allows between tokens),
    // cut into chunks mid-line and between the \r and \n of a CRLF.
    const text =
      ': comment\r\nevent: message\r\ndata: {"jsonrpc":"2.0",\r\n' +
      'data: "id":"s-1","method":"elicitation/create","params":{}}\r\n\r\n' +
      event(answer(1));
    const cuts = [3, 17, 40, 41, 70, text.indexOf('\r\n\r\n') + 1];
    const chunks = [...cuts, text.length].map((end, i, all) =>
      text.slice(i === 0 ? 0 : (all[i - 1] as number), end),
    );
    const tags = createStreamTags({ base: sseServer(chunks).base, onAnswerLost: () => {} });
    await drain(await tags.fetch('http://x/mcp', post(1, 5)));
    expect(tags.callOf('s-1')).toBe(5);
  });

  it('reports a stream that ends without the answer and cannot be resumed', async () => {
    const lost: number[] = [];
    const server = sseServer([event(ask(9))]);
    const tags = createStreamTags({ base: server.base, onAnswerLost: (id) => lost.push(id) });
    await drain(await tags.fetch('http://x/mcp', post(1, 11)));
    expect(lost).toEqual([11]);
  });

  it('reports a stream that breaks before the answer', async () => {
    const lost: number[] = [];
    const server = sseServer([event(ask(9))], { fail: true });
    const tags = createStreamTags({ base: server.base, onAnswerLost: (id) => lost.push(id) });
    expect(await drain(await tags.fetch('http://x/mcp', post(1, 12)))).toMatch(/^ERROR/);
    expect(lost).toEqual([12]);
  });

  it('stays quiet when the answer came, or when the reader cancelled on purpose', async () => {
    const lost: number[] = [];
    const answered = createStreamTags({
      base: sseServer([event(answer(1))]).base,
      onAnswerLost: (id) => lost.push(id),
    });
    await drain(await answered.fetch('http://x/mcp', post(1, 1)));
    const cancelled = createStreamTags({
      base: sseServer([event(ask(2)), event(ask(3))]).base,
      onAnswerLost: (id) => lost.push(id),
    });
    const response = await cancelled.fetch('http://x/mcp', post(1, 2));
    await response.body?.cancel('done');
    const aborted = new AbortController();
    aborted.abort();
    const withSignal = createStreamTags({ base: sseServer([]).base, onAnswerLost: (id) => lost.push(id) });
    await drain(await withSignal.fetch('http://x/mcp', { ...post(1, 3), signal: aborted.signal }));
    expect(lost).toEqual([]);
  });

  it('leaves a resumable stream to the SDK until the session is retired', async () => {
    const lost: number[] = [];
    const tags = createStreamTags({
      base: sseServer([event(ask(1), 'evt-1')]).base,
      onAnswerLost: (id) => lost.push(id),
    });
    await drain(await tags.fetch('http://x/mcp', post(1, 21)));
    expect(lost).toEqual([]);
    tags.retire();
    expect(lost).toEqual([21]);
    // After retirement even a resumable stream's end means the answer is gone.
    const later = createStreamTags({
      base: sseServer([event(ask(1), 'evt-2')]).base,
      onAnswerLost: (id) => lost.push(id),
    });
    later.retire();
    await drain(await later.fetch('http://x/mcp', post(1, 22)));
    expect(lost).toEqual([21, 22]);
  });

  it('does not touch JSON responses', async () => {
    const lost: number[] = [];
    const tags = createStreamTags({
      base: sseServer([JSON.stringify(answer(1))], { contentType: 'application/json' }).base,
      onAnswerLost: (id) => lost.push(id),
    });
    expect(JSON.parse(await drain(await tags.fetch('http://x/mcp', post(1, 1))))).toEqual(answer(1));
    expect(lost).toEqual([]);
  });
});
