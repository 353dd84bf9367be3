import type { ServerDetail, ServerSummary } from '../../preload/contract/models.ts';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { definitionFromCatalog, getCatalogEntry } from '../catalog/catalog-definition.ts';
import type { CatalogEntry } from '../catalog/catalog-entry.ts';
import { parseServerSnippet, type ParsedSnippet } from '../clients/snippet.ts';
import { oauthClientSecretOwner } from '../vault/server-owners.ts';
import { CLIENT_SECRET_NAME } from '../oauth/oauth-vault.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { UseCaseContext } from './context.ts';
import { createSecretHolder, type SecretHolder } from './held-secrets.ts';
import { detailOf, summaryOf } from './server-views.ts';
import { variableViews } from './variables.ts';

/** Values to store with a new server, in the same transaction (nothing is added if one is refused). */
export interface NewServerValues {
  /** Values of its variables: secrets go to the vault, plain values to the registry. */
  values?: Record<string, string>;
  /** The client secret of a pre-registered or client-credentials OAuth client. */
  clientSecret?: string;
  /**
   * The handle `parseSnippet` gave for the secret values it read (held in main; the window never saw them).
   * Values for variables the definition still declares are stored; `values` win over held ones.
   */
  heldSecrets?: string;
}

/** A parsed snippet as the window gets it: the secret values it contained are held, not returned. */
export interface SnippetForForm extends Omit<ParsedSnippet, 'secrets'> {
  /** Aligned with `definitions`: the handle of that definition's held secret values, or null. */
  held: ({ handle: string; names: string[]; expiresAt: number } | null)[];
}

/**
 * `parseServerSnippet` with the secret values it read, main-only (main/clients/snippet.ts passes the import
 * plan's `secrets` through; see docs/decisions/held-snippet-secrets.md).
 */
type SnippetWithSecrets = ParsedSnippet & { secrets?: { prefix: string; name: string; value: string }[] };

/** Adding, changing and removing servers: the one implementation behind the window, the tray and the CLI. */
export interface ServerUseCases {
  list(): ServerSummary[];
  get(prefix: string): Promise<ServerDetail>;
  /** The stored server (definition and identity), for `server show` and exports. */
  stored(prefix: string): StoredServer;
  add(definition: unknown, values?: NewServerValues): Promise<ServerSummary>;
  /** A server from the offline catalog under `prefix`; says what it still needs. */
  addFromCatalog(
    catalogId: string,
    prefix: string,
    values?: NewServerValues,
  ): Promise<{ summary: ServerSummary; entry: CatalogEntry }>;
  /** Replaces the definition; a new `prefix` in it renames the server (its id, secrets and grants stay). */
  update(prefix: string, definition: unknown): Promise<ServerSummary>;
  /** Removes the server and everything it owns, in one transaction. */
  remove(prefix: string): Promise<void>;
  setEnabled(prefix: string, enabled: boolean): Promise<ServerSummary>;
  /** Recent stderr lines of a running stdio server (redacted); empty when this process runs no hub. */
  logs(prefix: string): string[];
  /** Reads a pasted snippet for the add form; its secret values are held under a handle (see NewServerValues). */
  parseSnippet(text: string): SnippetForForm;
}

/** The server use-cases over a context. */
export function serverUseCases(
  ctx: UseCaseContext,
  holder: SecretHolder = createSecretHolder({ clock: ctx.clock, redactor: ctx.redactor }),
): ServerUseCases {
  const { registry } = ctx;
  const { servers } = registry;
  const changed = async (prefix?: string) => {
    await ctx.runtime()?.serversChanged(prefix);
  };

  /** The values to store with a new server: held snippet secrets the definition declares, then `values`. */
  const valuesToStore = (definition: unknown, values: NewServerValues): Record<string, string> => {
    if (values.heldSecrets === undefined) return { ...values.values };
    const held = holder.peek(values.heldSecrets);
    if (held === undefined) {
      const message =
        'the secret values read from the pasted snippet are no longer kept (they are forgotten after 10 minutes): paste the snippet again, or add the server and enter them under Variables';
      throw new SwitchboardError('VALIDATION', `heldSecrets: ${message}`, {
        details: { issues: [{ path: ['heldSecrets'], message }] },
      });
    }
    const declared = new Set(declaredNames(definition));
    const kept = Object.fromEntries(Object.entries(held).filter(([name]) => declared.has(name)));
    return { ...kept, ...values.values };
  };

  const addWith = async (definition: unknown, values: NewServerValues = {}): Promise<ServerSummary> => {
    const entries = Object.entries(valuesToStore(definition, values));
    // Fail with VAULT_UNAVAILABLE before anything is written when a secret will need the key store.
    if (entries.length > 0 || values.clientSecret !== undefined) ctx.vault.unlock();
    const stored = registry.write(() => {
      const added = servers.add(definition);
      for (const [name, value] of entries) ctx.variables.set(added.prefix, name, value);
      if (values.clientSecret !== undefined) {
        ctx.vault.set(oauthClientSecretOwner(added.id), CLIENT_SECRET_NAME, values.clientSecret);
      }
      return servers.get(added.prefix);
    });
    if (values.heldSecrets !== undefined) holder.drop(values.heldSecrets);
    await changed(stored.prefix);
    return summaryOf(ctx, stored);
  };

  return {
    list: () => servers.list().map((s) => summaryOf(ctx, s)),

    get: async (prefix) => {
      const detail = await detailOf(ctx, servers.get(prefix));
      return { ...detail, variables: variableViews(ctx, prefix) };
    },

    stored: (prefix) => servers.get(prefix),

    add: addWith,

    async addFromCatalog(catalogId, prefix, values) {
      const entry = getCatalogEntry(catalogId);
      const summary = await addWith(definitionFromCatalog(catalogId, prefix), values);
      return { summary, entry };
    },

    async update(prefix, definition) {
      const stored = registry.write(() => servers.update(prefix, definition));
      // The old name is gone from the window's list: tell it about that prefix too.
      if (stored.prefix !== prefix) ctx.runtime()?.emit('servers.changed', { prefix });
      await changed(stored.prefix);
      return summaryOf(ctx, stored);
    },

    async remove(prefix) {
      const { id } = servers.get(prefix); // NOT_FOUND before anything is touched
      // The row's delete cascades to everything keyed by its id (values, catalog, switches, history) and the
      // registry's trigger deletes its secrets and OAuth grants in the same statement (migration 008).
      registry.write(() => servers.remove(prefix));
      ctx.runtime()?.oauth.forget(id);
      await changed(prefix);
    },

    async setEnabled(prefix, enabled) {
      const stored = registry.write(() => servers.setEnabled(prefix, enabled));
      await changed(prefix);
      return summaryOf(ctx, stored);
    },

    logs(prefix) {
      servers.get(prefix);
      return (ctx.runtime()?.pool.stderr(prefix) ?? []).map((line) => line.text);
    },

    parseSnippet(text) {
      const { secrets = [], ...parsed } = parseServerSnippet(
        text,
        servers.list().map((s) => s.prefix),
      ) as SnippetWithSecrets;
      const held = parsed.definitions.map((definition) => {
        const values = Object.fromEntries(
          secrets.filter((s) => s.prefix === definition.prefix).map((s) => [s.name, s.value]),
        );
        const names = Object.keys(values);
        return names.length === 0 ? null : { ...holder.hold(values), names };
      });
      return { ...parsed, held };
    },
  };
}

/** The variable names a (not yet validated) definition declares. */
function declaredNames(definition: unknown): string[] {
  const envVars = (definition as { envVars?: unknown } | null)?.envVars;
  if (!Array.isArray(envVars)) return [];
  return envVars.flatMap((spec) =>
    typeof (spec as { name?: unknown })?.name === 'string' ? [(spec as { name: string }).name] : [],
  );
}
