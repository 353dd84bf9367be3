import { findTokenMatch } from '../tokens/token-crypto.ts';
import { parseBearerToken } from '../tokens/bearer.ts';
import type { EntryStatus, ImportedServer } from './client-adapter.ts';
import type { ClientServiceDeps } from './client-service-model.ts';
import type { ClientTargets, Target } from './client-targets.ts';
import {
  SWITCHBOARD_ENTRY_NAME,
  bridgeEntry,
  httpEntry,
  type SwitchboardEntry,
} from './switchboard-entry.ts';

/**
 * What our entry in a client's file says, and the client token it carries: whether the file's entry is
 * current, and the entry to write (keeping the file's token while it is live, else minting a new one).
 */

export interface PreparedEntry {
  entry: SwitchboardEntry;
  /** Undoes what preparing did (a token created for a write that then failed). */
  rollback(): void;
}

export interface ClientEntries {
  /** Whether the file's entry is what connecting would write now; a revoked or foreign token is outdated. */
  entryState(target: Target, text: string): EntryStatus;
  /**
   * The entry to write. HTTP clients keep the token already in their file while it is still that file's live
   * token; otherwise the old token of that name is revoked and a new one made, in one transaction.
   */
  prepareEntry(target: Target, servers: ImportedServer[]): PreparedEntry;
  /** The bearer token of our entry in the file when it is a live token of this file's name; never shown. */
  liveTokenInFile(target: Target, servers: ImportedServer[]): string | undefined;
  /** A new token of the file's name, in one transaction with revoking the one it replaces. */
  mintToken(target: Target): string;
  /** Revokes the token of that name; false when there was none. */
  revokeIfPresent(name: string): boolean;
}

export function createClientEntries(
  deps: Pick<ClientServiceDeps, 'tokens' | 'transaction'>,
  targets: Pick<ClientTargets, 'gatewayUrl' | 'bridge'>,
): ClientEntries {
  const liveTokenInFile = (target: Target, servers: ImportedServer[]): string | undefined => {
    const ours = servers.find((s) => s.name === SWITCHBOARD_ENTRY_NAME);
    if (ours === undefined || ours.transport === 'stdio' || ours.transport === 'unsupported')
      return undefined;
    const authorization = Object.entries(ours.headers).find(([key]) => key.toLowerCase() === 'authorization');
    const token = parseBearerToken(authorization?.[1]?.trim() ?? null);
    if (token === undefined) return undefined;
    const candidates = deps.tokens.activeTokens().filter((t) => t.name === target.tokenName);
    return findTokenMatch(token, candidates) === undefined ? undefined : token;
  };

  const revokeIfPresent = (name: string): boolean => {
    if (!deps.tokens.list().some((t) => t.name === name)) return false;
    deps.tokens.revoke(name);
    return true;
  };

  const mintToken = (target: Target): string =>
    deps.transaction(() => {
      revokeIfPresent(target.tokenName);
      return deps.tokens.create(target.tokenName);
    }).token;

  return {
    entryState(target, text) {
      const { adapter } = target;
      if (!adapter.supportsHttp) return adapter.entryStatus(text, bridgeEntry(targets.bridge()), target.path);
      const servers = adapter.readServers(text, target.path);
      if (!servers.some((s) => s.name === SWITCHBOARD_ENTRY_NAME)) return 'absent';
      const token = liveTokenInFile(target, servers);
      if (token === undefined) return 'outdated';
      return adapter.entryStatus(text, httpEntry(targets.gatewayUrl(), token), target.path);
    },

    prepareEntry(target, servers) {
      if (!target.adapter.supportsHttp) return { entry: bridgeEntry(targets.bridge()), rollback: () => {} };
      const url = targets.gatewayUrl();
      const existing = liveTokenInFile(target, servers);
      if (existing !== undefined) return { entry: httpEntry(url, existing), rollback: () => {} };
      return {
        entry: httpEntry(url, mintToken(target)),
        rollback: () => revokeIfPresent(target.tokenName),
      };
    },

    liveTokenInFile,
    mintToken,
    revokeIfPresent,
  };
}
