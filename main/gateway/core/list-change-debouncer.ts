import type { ListChanges } from '../../upstream/upstream-types.ts';
import type { GatewayScope } from '../gateway-core.ts';

/**
 * Collapses bursts of catalog changes into one notification: an upstream that adds ten tools in a row, or a
 * sync that restarts five servers, produces one list_changed per list per affected session, `delayMs` after
 * the last change. The merging is the pure `mergeChange`; the debouncer only owns the timer.
 */

export interface PendingChanges {
  tools: boolean;
  prompts: boolean;
  resources: boolean;
  /** Servers whose lists changed (per-server sessions only hear about their own). */
  prefixes: Set<string>;
  /** Scopes a view-policy change concerns (a profile edited …), beyond the servers in `prefixes`. */
  audiences: ((scope: GatewayScope) => boolean)[];
}

/** Where a change comes from: one server's lists, or the view policy (for the scopes it names). */
export type ChangeOrigin = { prefix: string } | { affects: (scope: GatewayScope) => boolean };

/** An empty batch. */
export function noChanges(): PendingChanges {
  return { tools: false, prompts: false, resources: false, prefixes: new Set(), audiences: [] };
}

/** True when a batch would notify nobody of anything. */
export function isEmpty(changes: ListChanges): boolean {
  return !changes.tools && !changes.prompts && !changes.resources;
}

/** The batch after one more change (a new object; `pending` is not modified). */
export function mergeChange(
  pending: PendingChanges,
  origin: ChangeOrigin,
  changes: ListChanges,
): PendingChanges {
  if (isEmpty(changes)) return pending;
  return {
    tools: pending.tools || changes.tools,
    prompts: pending.prompts || changes.prompts,
    resources: pending.resources || changes.resources,
    prefixes: 'prefix' in origin ? new Set([...pending.prefixes, origin.prefix]) : pending.prefixes,
    audiences: 'affects' in origin ? [...pending.audiences, origin.affects] : pending.audiences,
  };
}

export interface ListChangeDebouncer {
  /** Records that `prefix`'s lists changed. */
  add(prefix: string, changes: ListChanges): void;
  /** Records that the view of the scopes `affects` accepts changed. */
  addFor(affects: (scope: GatewayScope) => boolean, changes: ListChanges): void;
  /** Delivers anything pending now. */
  flush(): void;
  /** Drops anything pending and stops the timer. */
  cancel(): void;
}

/**
 * Creates a debouncer that calls `deliver` once changes stop for `delayMs`, and at the latest `maxDelayMs`
 * after the first pending change (a server that changes continuously must not starve its listeners).
 */
export function createListChangeDebouncer(
  delayMs: number,
  deliver: (changes: PendingChanges) => void,
  maxDelayMs = delayMs * 10,
): ListChangeDebouncer {
  let pending: PendingChanges | undefined;
  let timer: NodeJS.Timeout | undefined;
  let firstAt = 0;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const changes = pending;
    pending = undefined;
    if (changes && !isEmpty(changes)) deliver(changes);
  };
  const add = (origin: ChangeOrigin, changes: ListChanges) => {
    if (isEmpty(changes)) return;
    if (!pending) {
      pending = noChanges();
      firstAt = Date.now();
    }
    pending = mergeChange(pending, origin, changes);
    clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(delayMs, firstAt + maxDelayMs - Date.now())));
    timer.unref?.();
  };
  return {
    add: (prefix, changes) => add({ prefix }, changes),
    addFor: (affects, changes) => add({ affects }, changes),
    flush,
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
