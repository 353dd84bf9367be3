/**
 * At most one run per key in flight; concurrent callers share its promise. This is what keeps twenty
 * parallel 401s from sending twenty refresh requests (with rotating refresh tokens, all but the first would
 * be replays, and a replay revokes the whole token family).
 */
export interface SingleFlight<T> {
  run(key: string, task: () => Promise<T>): Promise<T>;
  inFlight(key: string): boolean;
}

/** Creates an empty SingleFlight. */
export function createSingleFlight<T>(): SingleFlight<T> {
  const running = new Map<string, Promise<T>>();
  return {
    run(key, task) {
      const existing = running.get(key);
      if (existing) return existing;
      const promise = (async () => {
        try {
          return await task();
        } finally {
          running.delete(key);
        }
      })();
      running.set(key, promise);
      return promise;
    },
    inFlight: (key) => running.has(key),
  };
}
