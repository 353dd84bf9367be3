/**
 * Makes `target` abort when `source` does, with the same reason; returns the unlink to call once the work that
 * `target` guards is over. The same as listening to `AbortSignal.any([source, target.signal])`, without a new
 * composite signal that every source holds weakly until it is collected.
 */
export function followAbort(source: AbortSignal | undefined, target: AbortController): () => void {
  if (!source) return () => {};
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}
