type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;

/**
 * Calls `onDone` once, when the exchange is over: the response body was fully sent, the client went
 * away (request signal aborted, or body cancelled), or there was no body at all. Session bookkeeping
 * (idle sweep, open streams) needs to know when a streamed answer really ended, which `await handler()`
 * alone does not tell.
 */
export function trackResponse(
  response: Response,
  signal: AbortSignal | undefined,
  onDone: () => void,
): Response {
  if (response.body === null) {
    onDone();
    return response;
  }
  return trackReader(response, response.body.getReader(), signal, onDone);
}

/**
 * `response` re-issued with its body read from `reader` (first the `buffered` chunks, then the read already
 * in flight if any, then the rest), calling `onDone` once when the body ends, errors, is cancelled, or
 * `signal` aborts.
 */
export function trackReader(
  response: Response,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
  onDone: () => void,
  buffered: readonly Uint8Array[] = [],
  pending?: Promise<ReadResult>,
): Response {
  const finish = finishOnce(signal, onDone);
  let next = pending;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of buffered) controller.enqueue(chunk);
    },
    async pull(controller) {
      try {
        const read = next ?? reader.read();
        next = undefined;
        const { done, value } = await read;
        if (done) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason).catch(() => {});
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * `response` with a body that calls `onDone` once when it ends (as trackResponse), and that WE can end too:
 * `close()` ends the stream the client reads (a clean end of the HTTP response) and cancels the source, so the
 * SDK drops what it kept for it. Used for listen streams, which a token revocation must cut off.
 */
export function closableResponse(
  response: Response,
  signal: AbortSignal | undefined,
  onDone: () => void,
): { response: Response; close(): void } {
  const reader = response.body!.getReader();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const finish = finishOnce(signal, onDone);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async pull(c) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          finish();
          c.close();
        } else c.enqueue(value);
      } catch (error) {
        finish();
        try {
          c.error(error);
        } catch {
          // Already closed by close().
        }
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason).catch(() => {});
    },
  });
  return {
    response: new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }),
    close() {
      if (!finish()) return;
      try {
        controller?.close();
      } catch {
        // The client already went away.
      }
      void reader.cancel().catch(() => {});
    },
  };
}

/**
 * `onDone` wrapped to run once: when the request is aborted, or when the caller calls it (the body ended). The
 * returned function says whether this call was the one that ran it.
 */
function finishOnce(signal: AbortSignal | undefined, onDone: () => void): () => boolean {
  let finished = false;
  const finish = () => {
    if (finished) return false;
    finished = true;
    signal?.removeEventListener('abort', finish);
    onDone();
    return true;
  };
  if (signal?.aborted) finish();
  else signal?.addEventListener('abort', finish, { once: true });
  return finish;
}
