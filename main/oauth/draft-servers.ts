import { randomBytes } from 'node:crypto';
import type { RemoteServerDefinition } from '../../preload/contract/server-definition.ts';
import type { OAuthVault } from './oauth-vault.ts';
import { createMemoryVault } from './oauth-vault.ts';

/**
 * "Try before saving": a server being added gets a temporary prefix (`draft~…`, which no saved server can
 * have) and a memory-only vault. Connecting and listing tools work against it; nothing reaches the real
 * vault until `promote`, and an abandoned draft simply expires with its memory.
 */
export interface Draft {
  id: string;
  /** The temporary prefix under which OAuth and the pool know the draft. */
  prefix: string;
  definition: RemoteServerDefinition;
  vault: OAuthVault & { clear(owner: string): void; size(): number };
  /** Owners inside the draft's own vault (a draft has no id; these never reach the real vault). */
  grantOwner: string;
  secretOwner: string;
  expiresAt: number;
}

export const DRAFT_PREFIX_MARK = 'draft~';

/** True for the temporary prefixes of drafts. */
export function isDraftPrefix(prefix: string): boolean {
  return prefix.startsWith(DRAFT_PREFIX_MARK);
}

/** Drafts by prefix, each dropped by a timer when it expires. */
export interface DraftServers {
  create(definition: RemoteServerDefinition, ttlMs: number, now: number): Draft;
  get(prefix: string): Draft | undefined;
  /** Removes the draft (promote or discard); `onDrop` runs either way. */
  drop(prefix: string): Draft | undefined;
  size(): number;
  close(): void;
}

/** Creates the draft table; `onExpire` runs when a draft's timer fires (cancel its pending flows). */
export function createDraftServers(onExpire: (draft: Draft) => void): DraftServers {
  const drafts = new Map<string, { draft: Draft; timer: ReturnType<typeof setTimeout> }>();
  const drop = (prefix: string) => {
    const entry = drafts.get(prefix);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    drafts.delete(prefix);
    entry.draft.vault.clear(entry.draft.grantOwner);
    entry.draft.vault.clear(entry.draft.secretOwner);
    return entry.draft;
  };
  return {
    create(definition, ttlMs, now) {
      const id = randomBytes(9).toString('base64url');
      const prefix = `${DRAFT_PREFIX_MARK}${id}`;
      const draft: Draft = {
        id,
        prefix,
        definition: { ...definition, prefix },
        vault: createMemoryVault(),
        grantOwner: `oauth-grant:${prefix}`,
        secretOwner: `oauth-client-secret:${prefix}`,
        expiresAt: now + ttlMs,
      };
      const timer = setTimeout(() => {
        const dropped = drop(prefix);
        if (dropped) onExpire(dropped);
      }, ttlMs);
      timer.unref?.();
      drafts.set(prefix, { draft, timer });
      return draft;
    },
    get: (prefix) => drafts.get(prefix)?.draft,
    drop,
    size: () => drafts.size,
    close() {
      for (const prefix of [...drafts.keys()]) drop(prefix);
    },
  };
}
