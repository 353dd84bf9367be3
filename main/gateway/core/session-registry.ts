import type { Server } from '@modelcontextprotocol/server';
import type { GatewayScope, ProtocolEra } from '../gateway-core.ts';
import type { PendingChanges } from './list-change-debouncer.ts';

/**
 * Who is connected, per scope. Only session-era connections live here: a modern-era Server exists for one
 * request, and its list_changed goes out on the front's listen streams (the core's onListChanged). The
 * decision of which session hears which list_changed is the pure `planListChanged`; the registry only sends.
 */

/** One downstream connection (a session-era session, or one modern-era request). */
export interface Session {
  /** Unique per connection; the pool keys server→client routing on it (see downstream-caller.ts). */
  key: string;
  server: Server;
  scope: GatewayScope;
  era: ProtocolEra;
  /** The minimum level of upstream log messages forwarded to it (logging/setLevel). */
  logLevel?: string;
}

/** The list_changed notifications one session gets for a batch of changes. */
export interface ListChangedNotice<S> {
  session: S;
  tools: boolean;
  prompts: boolean;
  resources: boolean;
}

/** True when a session in `scope` sees something of the batch `changes`. */
export function hears(scope: GatewayScope, changes: PendingChanges): boolean {
  if (changes.audiences.some((affects) => affects(scope))) return true;
  return scope.kind === 'all' ? changes.prefixes.size > 0 : changes.prefixes.has(scope.prefix);
}

/** Which sessions get which list_changed: the aggregate hears every server, a per-server scope its own. */
export function planListChanged<S extends { scope: GatewayScope }>(
  sessions: Iterable<S>,
  changes: PendingChanges,
): ListChangedNotice<S>[] {
  const notices: ListChangedNotice<S>[] = [];
  for (const session of sessions) {
    if (!hears(session.scope, changes)) continue;
    notices.push({ session, tools: changes.tools, prompts: changes.prompts, resources: changes.resources });
  }
  return notices;
}

export interface SessionRegistry {
  /** Registers a connected session; the returned function removes it. */
  add(session: Session): () => void;
  /** Connected session-era sessions. */
  count(): number;
  /** Sends the list_changed notifications the batch calls for. */
  notifyListChanged(changes: PendingChanges): void;
  clear(): void;
}

/** Creates an empty registry. */
export function createSessionRegistry(): SessionRegistry {
  const sessions = new Set<Session>();
  return {
    add(session) {
      sessions.add(session);
      return () => sessions.delete(session);
    },
    count: () => sessions.size,
    notifyListChanged(changes) {
      for (const notice of planListChanged(sessions, changes)) {
        const server = notice.session.server;
        // A session that closed meanwhile rejects the send; it is being removed anyway.
        if (notice.tools) void server.sendToolListChanged().catch(() => {});
        if (notice.prompts) void server.sendPromptListChanged().catch(() => {});
        if (notice.resources) void server.sendResourceListChanged().catch(() => {});
      }
    },
    clear: () => sessions.clear(),
  };
}
