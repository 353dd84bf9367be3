/**
 * Quotas on what a caller can keep open: session-era sessions, deprecated SSE sessions and modern
 * `subscriptions/listen` streams, each bounded per principal (a client token, or the bridge) AND overall. One
 * token used to be able to open all 512 sessions and lock every other client out, and listen streams had no
 * bound at all (3,000 accepted, +180 MiB).
 *
 * A principal at its session quota gets room by closing ITS OWN oldest idle session (spec-wise a client must
 * re-initialize on 404, so a forgotten session costs it nothing); at the overall cap the oldest idle session of
 * whoever holds the most goes. Streams are never evicted (each is a live client): over a quota the new one is
 * refused with 503.
 */

export interface StreamLimits {
  /** Session-era sessions overall (default 512). */
  maxSessions: number;
  /** Session-era sessions per principal (default 64). */
  maxSessionsPerPrincipal: number;
  /** Deprecated HTTP+SSE sessions overall (default 256). */
  maxSseSessions: number;
  /** Deprecated HTTP+SSE sessions per principal (default 32). */
  maxSseSessionsPerPrincipal: number;
  /** Modern-era `subscriptions/listen` streams overall (default 256). */
  maxListenStreams: number;
  /** Modern-era `subscriptions/listen` streams per principal (default 32). */
  maxListenStreamsPerPrincipal: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxSessions: 512,
  maxSessionsPerPrincipal: 64,
  maxSseSessions: 256,
  maxSseSessionsPerPrincipal: 32,
  maxListenStreams: 256,
  maxListenStreamsPerPrincipal: 32,
};

/** Items (sessions, streams) grouped by the principal that opened them, oldest first. */
export interface PrincipalTable<T> {
  add(principal: string, item: T): void;
  /** Removes `item` wherever it is; safe to call twice. */
  remove(item: T): void;
  countOf(principal: string): number;
  readonly size: number;
  /** The principal's items, oldest first (a copy). */
  itemsOf(principal: string): T[];
  /** Every item (a copy). */
  all(): T[];
  /** The principal holding the most items (ties: the first seen). */
  largest(): string | undefined;
}

export function createPrincipalTable<T>(): PrincipalTable<T> {
  const byPrincipal = new Map<string, Set<T>>();
  const owner = new Map<T, string>();
  return {
    add(principal, item) {
      let set = byPrincipal.get(principal);
      if (set === undefined) byPrincipal.set(principal, (set = new Set()));
      set.add(item);
      owner.set(item, principal);
    },
    remove(item) {
      const principal = owner.get(item);
      if (principal === undefined) return;
      owner.delete(item);
      const set = byPrincipal.get(principal);
      set?.delete(item);
      if (set?.size === 0) byPrincipal.delete(principal);
    },
    countOf: (principal) => byPrincipal.get(principal)?.size ?? 0,
    get size() {
      return owner.size;
    },
    itemsOf: (principal) => [...(byPrincipal.get(principal) ?? [])],
    all: () => [...owner.keys()],
    largest() {
      let best: string | undefined;
      let most = 0;
      for (const [principal, set] of byPrincipal)
        if (set.size > most) {
          most = set.size;
          best = principal;
        }
      return best;
    },
  };
}

/** What admitting one more item for `principal` takes: room as is, closing `evict` first, or a refusal. */
export type Admission<T> = { ok: true; evict?: T } | { ok: false; reason: 'principal' | 'overall' };

/**
 * Decides whether `principal` may open one more item. `idle` says which items may be evicted (none, for
 * streams); the one idle the longest goes first (`lastActive`, else the oldest).
 */
export function admit<T>(
  table: PrincipalTable<T>,
  principal: string,
  limits: { overall: number; perPrincipal: number },
  idle: (item: T) => boolean = () => false,
  lastActive?: (item: T) => number,
): Admission<T> {
  const oldestIdle = (of: string): T | undefined => {
    let best: T | undefined;
    for (const item of table.itemsOf(of)) {
      if (!idle(item)) continue;
      if (best === undefined) best = item;
      else if (lastActive && lastActive(item) < lastActive(best)) best = item;
      if (!lastActive) break;
    }
    return best;
  };
  if (table.countOf(principal) >= limits.perPrincipal) {
    const evict = oldestIdle(principal);
    return evict === undefined ? { ok: false, reason: 'principal' } : { ok: true, evict };
  }
  if (table.size >= limits.overall) {
    const largest = table.largest();
    const evict = largest === undefined ? undefined : oldestIdle(largest);
    return evict === undefined ? { ok: false, reason: 'overall' } : { ok: true, evict };
  }
  return { ok: true };
}
