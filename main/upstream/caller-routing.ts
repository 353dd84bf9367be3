import type { ServerRequestMethod, UpstreamCaller } from './upstream-types.ts';

/**
 * Which downstream client answers a server→client request (sampling, elicitation, roots) that an upstream
 * sends. A legacy upstream's request carries no link to the call that caused it (stdio has one channel; the SDK
 * does not tell which HTTP stream a message came on), so the rule works on the calls in flight on that
 * upstream — the only ones that can have caused it:
 *
 * 1. Only calls whose client declared the matching capability are candidates.
 * 2. Among them the most recently started call wins: a tool typically asks back right after it starts, and in
 *    the common case all candidates belong to the same client session anyway.
 * 3. No candidate: the request fails with a JSON-RPC error (roots/list instead gets an empty list, because
 *    servers ask for roots unprompted right after initialize and an error there aborts some of them).
 */

/** One call in flight on an upstream. */
export interface InFlightCall {
  caller?: UpstreamCaller;
  /** Monotonic sequence number (or epoch ms) of the call's start: larger is more recent. */
  startedAt: number;
}

/** The capability a client needs to answer `method`. */
export function capabilityFor(method: ServerRequestMethod): keyof UpstreamCaller['capabilities'] {
  if (method === 'sampling/createMessage') return 'sampling';
  if (method === 'elicitation/create') return 'elicitation';
  return 'roots';
}

/** Picks the in-flight call whose client should answer `method`, or undefined when none can. */
export function pickCaller<T extends InFlightCall>(
  inFlight: Iterable<T>,
  method: ServerRequestMethod,
): T | undefined {
  const needed = capabilityFor(method);
  let best: T | undefined;
  for (const call of inFlight) {
    if (!call.caller?.capabilities[needed]) continue;
    if (best === undefined || call.startedAt >= best.startedAt) best = call;
  }
  return best;
}
