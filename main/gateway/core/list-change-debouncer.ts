/**
 * Collapses bursts of catalog changes into one notification: an upstream that adds ten tools in a row, or a
 * sync that restarts five servers, produces one list_changed per list per affected session, `delayMs` after
 * the last change. Pure apart from the timer it is given.
 */

export interface PendingChanges {
  tools: boolean;
  prompts: boolean;
  resources: boolean;
  /** Servers whose lists changed (per-server sessions only hear about their own). */
  prefixes: Set<string>;
}

export interface ListChangeDebouncer {
  /** Records that `prefix`'s lists changed. */
  add(prefix: string, changes: { tools: boolean; prompts: boolean; resources: boolean }): void;
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
    if (changes && (changes.tools || changes.prompts || changes.resources)) deliver(changes);
  };
  return {
    add(prefix, changes) {
      if (!changes.tools && !changes.prompts && !changes.resources) return;
      if (!pending) {
        pending = { tools: false, prompts: false, resources: false, prefixes: new Set() };
        firstAt = Date.now();
      }
      pending.tools ||= changes.tools;
      pending.prompts ||= changes.prompts;
      pending.resources ||= changes.resources;
      pending.prefixes.add(prefix);
      clearTimeout(timer);
      timer = setTimeout(flush, Math.max(0, Math.min(delayMs, firstAt + maxDelayMs - Date.now())));
      timer.unref?.();
    },
    flush,
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
