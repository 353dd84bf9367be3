import type { StoredServer } from '../../preload/contract/server-definition.ts';
import type { InFlightCall } from './caller-routing.ts';
import type { ListKind } from './catalog-fetch.ts';
import type { UpstreamConnection } from './connect-upstream.ts';
import type { LineRing } from './line-buffer.ts';
import { createLineRing } from './line-buffer.ts';
import type { RestartPolicy } from './restart-policy.ts';
import { recentFailures } from './restart-policy.ts';
import type { StdioProcessTransport, ExitInfo } from './stdio-process-transport.ts';
import type { StreamTags } from './stream-tagging.ts';
import type { UpstreamModel } from './upstream-state.ts';
import { initialUpstreamModel } from './upstream-state.ts';
import type { UpstreamCaller, UpstreamStatus } from './upstream-types.ts';

/**
 * What the pool keeps per upstream besides its pure model: the live connection and the things a state machine
 * cannot hold (processes, timers, promises, the calls in flight, the stderr ring). One entry per server id: a
 * server that replaces another under the same prefix gets a new entry, so nothing of the old one carries over.
 */

/** A connection as the pool holds it. */
export interface LiveConnection extends UpstreamConnection {
  /** The stream watcher of a Streamable HTTP connection (call association, lost answers). */
  tags?: StreamTags;
  /** Why the pool gave this connection up; set once, so a second sign of the same trouble does nothing. */
  lost?: string;
  /** A ping checking the session is under way. */
  verifying?: boolean;
  /** No longer the live connection; closed once the calls still on it are done (or this timer fires). */
  retiring?: boolean;
  retireTimer?: NodeJS.Timeout;
}

/** One call in flight. */
export interface PoolCall extends InFlightCall {
  caller?: UpstreamCaller;
  /** The connection the call's current request went out on. */
  conn?: LiveConnection;
  /** Ends the call's current upstream request now with `reason` (its answer was lost). */
  abort(reason: unknown): void;
}

export interface PoolEntry {
  model: UpstreamModel;
  server: StoredServer;
  /** Runtime fingerprint at the last sync (see definition-fingerprint.ts). */
  fingerprint?: string;
  conn?: LiveConnection;
  /** Connections given up but still carrying calls (see the `retire` action). */
  retired: Set<LiveConnection>;
  /** The connect attempt in progress and what its waiters wait on. */
  starting?: { attempt: number; promise: Promise<LiveConnection> };
  /** Transport of a stdio connect in progress, so a stop can kill the process before the handshake ends. */
  pending?: StdioProcessTransport;
  lastExit?: ExitInfo;
  retryTimer?: NodeJS.Timeout;
  /** The idle check, when one is due (armIdle sets it; it re-checks `idleSince` when it fires). */
  idleTimer?: NodeJS.Timeout;
  /** When the last call ended (or the entry became idle otherwise). */
  idleSince: number;
  inFlight: Set<PoolCall>;
  stderr: LineRing;
  refreshKinds: Set<ListKind>;
  refreshing?: Promise<void>;
  /** A modern upstream's change stream (subscriptions/listen). */
  subscription?: { close(): Promise<void> };
}

/** A new entry for `server`. */
export function newPoolEntry(server: StoredServer, now: number): PoolEntry {
  return {
    model: initialUpstreamModel(server, now),
    server,
    retired: new Set(),
    inFlight: new Set(),
    idleSince: now,
    stderr: createLineRing(),
    refreshKinds: new Set(),
  };
}

/** The status the pool reports for an entry. */
export function statusOf(entry: PoolEntry, now: number, policy: RestartPolicy): UpstreamStatus {
  const { model } = entry;
  return {
    prefix: model.prefix,
    serverId: model.serverId,
    state: model.state,
    since: model.since,
    lastError: model.lastError,
    missing: model.missing === undefined ? undefined : [...model.missing],
    pid: entry.conn?.pid,
    era: entry.conn?.era,
    failures: recentFailures(model.failures, now, policy).length,
    nextRetryAt: model.state === 'backoff' ? model.nextRetryAt : undefined,
    inFlight: entry.inFlight.size,
  };
}
