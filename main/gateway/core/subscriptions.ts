import type { Logger } from '../../lib/logger.ts';

/**
 * Resource subscriptions, shared: an upstream connection is shared by every session, so the upstream is
 * subscribed to a URI when the first session wants it and unsubscribed when the last one leaves. The map
 * also tells which sessions to forward `resources/updated` to, and what to subscribe again after the upstream
 * restarted (a new connection starts with no subscriptions).
 */

export interface SubscriptionsOptions {
  subscribe(prefix: string, uri: string): Promise<unknown>;
  unsubscribe(prefix: string, uri: string): Promise<unknown>;
  log: Logger;
}

export interface Subscriptions<S> {
  /** Subscribes `session` (and the upstream, for the first subscriber). */
  add(session: S, prefix: string, uri: string): Promise<void>;
  /** Unsubscribes `session` (and the upstream, after the last subscriber). */
  remove(session: S, prefix: string, uri: string): Promise<void>;
  /** Sessions subscribed to `uri` of `prefix`. */
  sessionsFor(prefix: string, uri: string): Set<S>;
  /** Forgets a closed session's subscriptions. */
  dropSession(session: S): void;
  /** Forgets every subscription to a removed server. */
  dropServer(prefix: string): void;
  /** Subscribes the upstream again to everything still wanted (after it restarted). */
  resubscribe(prefix: string): void;
}

/** Creates an empty subscription table. */
export function createSubscriptions<S>(options: SubscriptionsOptions): Subscriptions<S> {
  const byServer = new Map<string, Map<string, Set<S>>>();
  const empty = new Set<S>();

  const release = (prefix: string, uri: string) => {
    options
      .unsubscribe(prefix, uri)
      .catch((error) => options.log.debug('upstream unsubscribe failed', { prefix, error: String(error) }));
  };

  return {
    async add(session, prefix, uri) {
      let map = byServer.get(prefix);
      if (!map) byServer.set(prefix, (map = new Map()));
      let set = map.get(uri);
      if (!set) map.set(uri, (set = new Set()));
      const first = set.size === 0;
      // Recorded before the upstream answers: a server may announce an update right after subscribing, and
      // that update must find its subscriber.
      set.add(session);
      if (!first) return;
      try {
        await options.subscribe(prefix, uri);
      } catch (error) {
        set.delete(session);
        if (set.size === 0) map.delete(uri);
        throw error;
      }
    },
    async remove(session, prefix, uri) {
      const set = byServer.get(prefix)?.get(uri);
      if (!set?.delete(session)) return;
      if (set.size === 0) {
        byServer.get(prefix)?.delete(uri);
        await options.unsubscribe(prefix, uri);
      }
    },
    sessionsFor(prefix, uri) {
      return byServer.get(prefix)?.get(uri) ?? empty;
    },
    dropSession(session) {
      for (const [prefix, uris] of byServer) {
        for (const [uri, set] of uris) {
          if (set.delete(session) && set.size === 0) {
            uris.delete(uri);
            release(prefix, uri);
          }
        }
      }
    },
    dropServer(prefix) {
      byServer.delete(prefix);
    },
    resubscribe(prefix) {
      for (const uri of byServer.get(prefix)?.keys() ?? []) {
        options
          .subscribe(prefix, uri)
          .catch((error) =>
            options.log.debug('upstream resubscribe failed', { prefix, error: String(error) }),
          );
      }
    },
  };
}
