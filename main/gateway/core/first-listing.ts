import type { UpstreamState } from '../../upstream/upstream-types.ts';

/**
 * A bounded first listing. Many AI clients list tools once, right after they connect, and never again; a hub
 * that has just started has not met its new servers yet, so that one listing used to come back empty. Until
 * every server that had no catalog at start has its first one (or has failed trying), a listing waits — at
 * most `waitMs` after the hub started. Afterwards, and whenever nothing is awaited, listings never wait.
 */
export interface FirstListingGate {
  /** undefined when nothing is awaited (the fast path stays synchronous); otherwise settles when it is over. */
  pending(): Promise<void> | undefined;
  /** Stops listening to the pool (the hub is closing). */
  close(): void;
}

export interface FirstListingOptions {
  /** Prefixes of the enabled servers without a stored catalog when the hub started. */
  awaited: Iterable<string>;
  /** The bound, from the hub's start (`gateway.firstListWaitSeconds`); 0 turns the wait off. */
  waitMs: number;
  onCatalog(listener: (change: { prefix: string }) => void): () => void;
  onState(listener: (status: { prefix: string; state: UpstreamState }) => void): () => void;
}

/** States after which waiting longer for a server's first catalog would only delay the listing. */
const GAVE_UP: ReadonlySet<UpstreamState> = new Set(['backoff', 'failed', 'needs_config', 'disabled']);

export function createFirstListingGate(options: FirstListingOptions): FirstListingGate {
  const awaited = new Set(options.waitMs > 0 ? options.awaited : []);
  let release: () => void = () => {};
  const over = new Promise<void>((resolve) => {
    release = resolve;
  });
  const unsubscribe: (() => void)[] = [];
  const finish = () => {
    awaited.clear();
    clearTimeout(timer);
    for (const off of unsubscribe.splice(0)) off();
    release();
  };
  const settle = (prefix: string) => {
    if (awaited.delete(prefix) && awaited.size === 0) finish();
  };
  const timer = setTimeout(finish, Math.max(0, options.waitMs));
  timer.unref?.();
  if (awaited.size === 0) finish();
  else {
    unsubscribe.push(
      options.onCatalog(({ prefix }) => settle(prefix)),
      options.onState(({ prefix, state }) => {
        if (GAVE_UP.has(state)) settle(prefix);
      }),
    );
  }
  return {
    pending: () => (awaited.size === 0 ? undefined : over),
    close: finish,
  };
}
