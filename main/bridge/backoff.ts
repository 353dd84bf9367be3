/** How long the bridge waits for the hub by default: long enough to start the app after the client. */
export const DEFAULT_GATEWAY_WAIT_MS = 60_000;

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** The delays add up to at most this much. */
  totalMs: number;
}

/**
 * The waits between attempts to reach the hub: quick at first (it is often just starting), then
 * capped, and bounded in total so a client is never left hanging forever.
 */
export function backoffDelays(options: BackoffOptions): number[] {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 2_000;
  const factor = options.factor ?? 2;
  const delays: number[] = [];
  let total = 0;
  let next = initial;
  while (total < options.totalMs) {
    const delay = Math.min(next, max, options.totalMs - total);
    delays.push(delay);
    total += delay;
    next = Math.min(next * factor, max);
  }
  return delays;
}
