import type { ServerRequestMethod, UpstreamCaller } from './upstream-types.ts';

/**
 * Which downstream client answers a server→client request (sampling, elicitation, roots) an upstream sends.
 * Sending it to the wrong one would hand one client's prompt — possibly private context — to another client's
 * model, or let one client approve another's confirmation, so the rule refuses whenever it cannot be sure:
 *
 * 1. When the transport says which of our calls the request belongs to (Streamable HTTP: it arrived on the
 *    response stream of that call's POST), it goes to that call's client — or fails when that client cannot
 *    answer it. Modern-era upstreams never get here: their questions come back in the call's own
 *    `input_required` result and go straight to that call's caller.
 * 2. Otherwise (stdio, legacy SSE, a request on an HTTP upstream's shared stream) the request goes to a client
 *    only when every call in flight that could have asked comes from that ONE downstream session.
 *    Several sessions: refused, saying why. Calls Switchboard makes itself (health checks, catalog reads)
 *    count as a session of their own when they could ask back.
 * 3. Nothing in flight could have asked: refused — except roots/list, which gets an empty list, because
 *    servers ask for roots unprompted right after initialize and an error there aborts some of them.
 */

/** One call in flight on an upstream. */
export interface InFlightCall {
  /** Unique per pool (also the tag that names the call on its HTTP response stream). */
  id: number;
  /** The JSON-RPC method of the call (`tools/call`…). */
  method: string;
  caller?: UpstreamCaller;
}

/** Requests that only read lists or check liveness: a server has no reason to ask the client anything for them. */
const CANNOT_ASK_BACK: ReadonlySet<string> = new Set([
  'ping',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'logging/setLevel',
]);

export type Route<T extends InFlightCall> =
  | { kind: 'caller'; call: T; caller: UpstreamCaller }
  | { kind: 'empty-roots' }
  /** `unsupported`: the client cannot answer this kind of request; `ambiguous`: who asked is unknown; `orphan`: nobody could have asked. */
  | { kind: 'refuse'; reason: 'unsupported' | 'ambiguous' | 'orphan'; message: string };

export interface RouteRequest<T extends InFlightCall> {
  prefix: string;
  method: ServerRequestMethod;
  inFlight: Iterable<T>;
  /**
   * What the transport says: the id of the call the request belongs to, `undefined` when the transport does not
   * say (then rule 2 applies).
   */
  associatedCallId?: number;
  /** For the explanation: the wire the request came on. */
  wire: string;
}

/** The capability a client needs to answer `method`. */
export function capabilityFor(method: ServerRequestMethod): keyof UpstreamCaller['capabilities'] {
  if (method === 'sampling/createMessage') return 'sampling';
  if (method === 'elicitation/create') return 'elicitation';
  return 'roots';
}

/** Decides where a server→client request goes (see the rules above). */
export function routeServerRequest<T extends InFlightCall>(request: RouteRequest<T>): Route<T> {
  const { prefix, method } = request;
  const calls = [...request.inFlight];
  if (request.associatedCallId !== undefined) {
    const call = calls.find((c) => c.id === request.associatedCallId);
    if (!call)
      return refuse(
        'orphan',
        `${method} from ${prefix} arrived for a call that has already finished; nobody can answer it`,
      );
    return toCaller(call, prefix, method);
  }
  const candidates = calls.filter((c) => !CANNOT_ASK_BACK.has(c.method));
  if (candidates.length === 0) {
    if (method === 'roots/list') return { kind: 'empty-roots' };
    return refuse(
      'orphan',
      `${method} from ${prefix} arrived while no call to it was running; nobody can answer it`,
    );
  }
  const sessions = new Set(candidates.map((c) => sessionOf(c)));
  if (sessions.size > 1) {
    return refuse(
      'ambiguous',
      `Switchboard cannot tell which client ${prefix}'s ${method} is meant for: calls from ${sessions.size} ` +
        `client sessions are running on it and its transport (${request.wire}) does not say which one asked. ` +
        'It refuses rather than risk sending one client’s request to another; retry when one client uses it at a time',
    );
  }
  // One session: prefer a call whose client can answer, the most recent one (they all belong to the same client).
  const needed = capabilityFor(method);
  const able = candidates.filter((c) => c.caller?.capabilities[needed]);
  return toCaller(able.at(-1) ?? (candidates.at(-1) as T), prefix, method);
}

function toCaller<T extends InFlightCall>(call: T, prefix: string, method: ServerRequestMethod): Route<T> {
  const caller = call.caller;
  if (!caller) {
    if (method === 'roots/list') return { kind: 'empty-roots' };
    return refuse(
      'unsupported',
      `${method} is not available: ${prefix} asked during a call Switchboard made itself`,
    );
  }
  if (!caller.capabilities[capabilityFor(method)]) {
    if (method === 'roots/list') return { kind: 'empty-roots' };
    return refuse(
      'unsupported',
      `${method} is not available: the client using ${prefix} through Switchboard does not support it`,
    );
  }
  return { kind: 'caller', call, caller };
}

function sessionOf(call: InFlightCall): string {
  // Switchboard's own calls share one pseudo-session that no client key can equal.
  return call.caller === undefined ? '\u0000switchboard' : `client:${call.caller.sessionKey}`;
}

function refuse<T extends InFlightCall>(
  reason: 'unsupported' | 'ambiguous' | 'orphan',
  message: string,
): Route<T> {
  return { kind: 'refuse', reason, message };
}
