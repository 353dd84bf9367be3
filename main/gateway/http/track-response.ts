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
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', finish);
    onDone();
  };
  if (response.body === null) {
    finish();
    return response;
  }
  if (signal?.aborted) finish();
  else signal?.addEventListener('abort', finish, { once: true });
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: ended, value } = await reader.read();
        if (ended) {
          finish();
          controller.close();
          return;
        }
        controller.enqueue(value);
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
