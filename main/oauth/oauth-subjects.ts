import type { RemoteServerDefinition, ServerDefinition } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { oauthClientSecretOwner, oauthGrantOwner } from '../vault/server-owners.ts';
import type { DraftServers } from './draft-servers.ts';
import { isDraftPrefix } from './draft-servers.ts';
import type { GrantStore } from './grant-store.ts';
import { createGrantStore } from './grant-store.ts';
import type { LegacyOwners } from './legacy-owners.ts';
import type { OAuthVault } from './oauth-vault.ts';
import { CLIENT_SECRET_NAME } from './oauth-vault.ts';

/** A server as the lookup returns it: its definition and its identity (the registry's StoredServer fits). */
export type IdentifiedServer = ServerDefinition & { id: number };

/** Where the manager looks servers up by the person's handle (`registry.servers` fits). */
export interface OAuthServerLookup {
  find(prefix: string): IdentifiedServer | undefined;
}

/**
 * WHOSE OAuth state something is. The person addresses a server by prefix; everything the manager keeps —
 * vault entries, pending sign-ins, cached tokens, refreshes in flight, required scopes — is keyed by the
 * subject resolved from it at each call: a saved server by its id (never reused, so a server added later
 * under the same prefix starts with nothing), an unsaved draft by its temporary prefix.
 */
export interface OAuthSubject {
  /** Key of every in-memory table: `server:<id>` or `draft:<draft prefix>`. */
  key: string;
  prefix: string;
  /** The registry id; undefined for a draft. */
  serverId: number | undefined;
  /** The definition as it is NOW (a grant is checked against it before use). */
  definition: RemoteServerDefinition;
  /** The subject's grants (bound to its owner; writes refuse once the server is gone). */
  store: GrantStore;
  readSecret(): string | undefined;
  writeSecret(secret: string | undefined): void;
}

export interface OAuthSubjects {
  /** The subject `prefix` names now; NOT_FOUND / VALIDATION (stdio) / expired draft otherwise. */
  resolve(prefix: string): OAuthSubject;
  /**
   * Like resolve, but undefined when nothing (remote) answers to `prefix` — or, with `serverId`, when the
   * prefix now names ANOTHER server: a credential source made for the old one must not serve the new one.
   */
  find(prefix: string, serverId?: number): OAuthSubject | undefined;
  /** In-memory key of a saved server (for forget(serverId)). */
  keyOfServer(serverId: number): string;
  /** In-memory key of a draft. */
  keyOfDraft(draftPrefix: string): string;
}

export interface OAuthSubjectsDeps {
  vault: OAuthVault;
  servers: OAuthServerLookup;
  drafts: DraftServers;
  /** Moves prefix-keyed secrets from before migration 008 on first use; absent where there are none. */
  legacy?: LegacyOwners;
  log: Logger;
  /** Every secret read or written (so logs can scrub it). */
  remember(value: string | undefined): void;
}

const expired = () =>
  new SwitchboardError('NOT_FOUND', 'This unsaved server has expired; start adding it again.');

/** Resolves prefixes to subjects over the registry lookup and the draft table. */
export function createOAuthSubjects(deps: OAuthSubjectsDeps): OAuthSubjects {
  const { log, remember } = deps;
  const keyOfServer = (serverId: number) => `server:${serverId}`;
  const keyOfDraft = (draftPrefix: string) => `draft:${draftPrefix}`;

  const remote = (definition: ServerDefinition): RemoteServerDefinition => {
    if (definition.transport === 'stdio') {
      throw new SwitchboardError(
        'VALIDATION',
        `"${definition.prefix}" is a stdio server; OAuth applies to remote (http/sse) servers only.`,
      );
    }
    return definition;
  };

  const secretAccess = (vault: OAuthVault, owner: string, beforeWrite: () => void) => ({
    readSecret() {
      const secret = vault.get(owner, CLIENT_SECRET_NAME);
      remember(secret);
      return secret;
    },
    writeSecret(secret: string | undefined) {
      if (secret === undefined) {
        vault.unset(owner, CLIENT_SECRET_NAME);
        vault.clear?.(owner);
        return;
      }
      beforeWrite();
      remember(secret);
      vault.set(owner, CLIENT_SECRET_NAME, secret);
    },
  });

  const ofServer = (server: IdentifiedServer): OAuthSubject => {
    const definition = remote(server);
    deps.legacy?.upgrade(server);
    // A sign-in or refresh that finishes after the server was removed (here or by another process) must
    // not write under its id: nothing would ever read or delete those rows again.
    const stillThere = () => {
      if (deps.servers.find(server.prefix)?.id !== server.id) {
        throw new SwitchboardError(
          'NOT_FOUND',
          `"${server.prefix}" was removed or renamed while signing in; connect it again.`,
        );
      }
    };
    return {
      key: keyOfServer(server.id),
      prefix: server.prefix,
      serverId: server.id,
      definition,
      store: createGrantStore(deps.vault, oauthGrantOwner(server.id), log, { beforeWrite: stillThere }),
      ...secretAccess(deps.vault, oauthClientSecretOwner(server.id), stillThere),
    };
  };

  const ofDraft = (prefix: string): OAuthSubject => {
    const draft = deps.drafts.get(prefix);
    if (!draft) throw expired();
    const live = () => {
      if (deps.drafts.get(prefix) !== draft) throw expired();
    };
    return {
      key: keyOfDraft(prefix),
      prefix,
      serverId: undefined,
      definition: draft.definition,
      store: createGrantStore(draft.vault, draft.grantOwner, log, { beforeWrite: live }),
      ...secretAccess(draft.vault, draft.secretOwner, live),
    };
  };

  return {
    resolve(prefix) {
      if (isDraftPrefix(prefix)) return ofDraft(prefix);
      const server = deps.servers.find(prefix);
      if (!server) throw new SwitchboardError('NOT_FOUND', `No server "${prefix}".`);
      return ofServer(server);
    },
    find(prefix, serverId) {
      if (isDraftPrefix(prefix)) return deps.drafts.get(prefix) ? ofDraft(prefix) : undefined;
      const server = deps.servers.find(prefix);
      if (!server || server.transport === 'stdio') return undefined;
      if (serverId !== undefined && server.id !== serverId) return undefined;
      return ofServer(server);
    },
    keyOfServer,
    keyOfDraft,
  };
}
