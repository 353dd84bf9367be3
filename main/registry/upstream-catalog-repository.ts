import { z } from 'zod';
import type { Prompt, Resource, ResourceTemplateType, Tool } from '@modelcontextprotocol/client';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';
import { deepFreeze } from '../lib/deep-freeze.ts';

/** Which protocol era and wire an upstream spoke, and when we last found out (a stale legacy verdict is re-probed). */
export interface EraMemory {
  era: 'legacy' | 'modern';
  wire: 'stdio' | 'streamable-http' | 'sse';
  protocolVersion?: string;
  /** The server/discover result of a modern upstream, passed back as `prior` on reconnect. */
  discover?: Record<string, unknown>;
  /** Epoch milliseconds. */
  checkedAt: number;
}

/** What an upstream offers, as it last told us. */
export interface UpstreamCatalog {
  capabilities: Record<string, unknown>;
  serverInfo?: { name: string; version: string; [key: string]: unknown };
  instructions?: string;
  tools: Tool[];
  prompts: Prompt[];
  resources: Resource[];
  resourceTemplates: ResourceTemplateType[];
}

/** A catalog row with its bookkeeping. */
export interface CatalogRecord extends UpstreamCatalog {
  /** Hash of the connection-relevant definition fields this catalog was fetched with. */
  definitionHash: string;
  era?: EraMemory;
  /** Epoch milliseconds of the last refresh. */
  refreshedAt: number;
}

export interface StoredCatalog extends CatalogRecord {
  serverId: number;
  prefix: string;
}

/**
 * Keyed by server id, not prefix: a fetch that finishes after its server was removed (and the prefix
 * reused) must not file its tools under the newcomer.
 */
export interface UpstreamCatalogRepository {
  /** The catalog of the server, or undefined when it was never fetched (or the server does not exist). */
  get(serverId: number): StoredCatalog | undefined;
  /** Every stored catalog, by prefix; unreadable rows are skipped with a warning. Frozen: shared by every reader. */
  list(): StoredCatalog[];
  /** The ids of the servers with a stored catalog (without reading the catalogs). */
  serverIds(): Set<number>;
  /** Replaces the server's catalog; a no-op when the server no longer exists (it was removed meanwhile). */
  save(serverId: number, record: CatalogRecord): void;
  /** Forgets the server's catalog. */
  remove(serverId: number): void;
}

export interface UpstreamCatalogRepositoryDeps {
  clock: Clock;
  log?: Logger;
}

// Loose on purpose: items are re-exposed verbatim, so unknown fields must survive; only what we route on is checked.
const NamedList = z.array(z.looseObject({ name: z.string() }));
const ResourceList = z.array(z.looseObject({ uri: z.string(), name: z.string() }));
const TemplateList = z.array(z.looseObject({ uriTemplate: z.string(), name: z.string() }));
const JsonObject = z.record(z.string(), z.unknown());

const RowSchema = z.object({
  server_id: z.number().int(),
  prefix: z.string(),
  definition_hash: z.string(),
  era: z.enum(['legacy', 'modern']).nullable(),
  wire: z.enum(['stdio', 'streamable-http', 'sse']).nullable(),
  protocol_version: z.string().nullable(),
  discover: z.string().nullable(),
  era_checked_at: z.string().nullable(),
  capabilities: z.string(),
  server_info: z.string().nullable(),
  instructions: z.string().nullable(),
  tools: z.string(),
  prompts: z.string(),
  resources: z.string(),
  resource_templates: z.string(),
  refreshed_at: z.string(),
});

const COLUMNS = `c.server_id, s.prefix, c.definition_hash, c.era, c.wire, c.protocol_version, c.discover, c.era_checked_at, c.capabilities,
  c.server_info, c.instructions, c.tools, c.prompts, c.resources, c.resource_templates, c.refreshed_at`;

/** The cached upstream catalogs over an open RegistryDatabase. */
export function createUpstreamCatalogRepository(
  database: RegistryDatabase,
  deps: UpstreamCatalogRepositoryDeps,
): UpstreamCatalogRepository {
  const db = database.connection;
  const log = deps.log ?? silentLogger;
  const selectOne = db.prepare(
    `SELECT ${COLUMNS} FROM upstream_catalog c JOIN servers s ON s.id = c.server_id WHERE c.server_id = ?`,
  );
  const selectAll = db.prepare(
    `SELECT ${COLUMNS} FROM upstream_catalog c JOIN servers s ON s.id = c.server_id ORDER BY s.prefix`,
  );
  const upsert = db.prepare(`
    INSERT INTO upstream_catalog (server_id, definition_hash, era, wire, protocol_version, discover, era_checked_at,
      capabilities, server_info, instructions, tools, prompts, resources, resource_templates, refreshed_at)
    SELECT id, @definitionHash, @era, @wire, @protocolVersion, @discover, @eraCheckedAt, @capabilities, @serverInfo,
      @instructions, @tools, @prompts, @resources, @resourceTemplates, @refreshedAt FROM servers WHERE id = @serverId
    ON CONFLICT (server_id) DO UPDATE SET definition_hash = excluded.definition_hash, era = excluded.era,
      wire = excluded.wire, protocol_version = excluded.protocol_version, discover = excluded.discover,
      era_checked_at = excluded.era_checked_at, capabilities = excluded.capabilities, server_info = excluded.server_info,
      instructions = excluded.instructions, tools = excluded.tools, prompts = excluded.prompts,
      resources = excluded.resources, resource_templates = excluded.resource_templates, refreshed_at = excluded.refreshed_at`);
  const deleteOne = db.prepare('DELETE FROM upstream_catalog WHERE server_id = ?');
  const selectIds = db.prepare('SELECT server_id FROM upstream_catalog').pluck();

  const guarded = dbErrorGuard(database.file);

  // Parsed rows by server id, with the row text they came from. list() runs at every view rebuild and pin check
  // (three times before the first listing is answered): comparing a row's text with the last one costs far less
  // than JSON.parse and zod over every catalog again. Frozen, because every reader shares them.
  const parsed = new Map<number, { raw: Record<string, unknown>; catalog: StoredCatalog }>();
  const readRow = (raw: unknown): StoredCatalog | undefined => {
    const row = raw as Record<string, unknown>;
    const memo = parsed.get(row.server_id as number);
    if (memo !== undefined && sameRow(memo.raw, row)) return memo.catalog;
    try {
      const catalog = deepFreeze(parseRow(raw));
      parsed.set(catalog.serverId, { raw: row, catalog });
      return catalog;
    } catch (error) {
      log.warn('ignoring an unreadable upstream catalog row', {
        prefix: (raw as { prefix?: unknown })?.prefix,
        error,
      });
      return undefined;
    }
  };

  return {
    get(serverId) {
      const raw = guarded(() => selectOne.get(serverId));
      return raw === undefined ? undefined : readRow(raw);
    },
    list() {
      const rows = guarded(() => selectAll.all()) as Record<string, unknown>[];
      const ids = new Set(rows.map((row) => row.server_id));
      for (const id of parsed.keys()) if (!ids.has(id)) parsed.delete(id);
      return rows.map(readRow).filter((r): r is StoredCatalog => r !== undefined);
    },
    serverIds() {
      return new Set(guarded(() => selectIds.all()) as number[]);
    },
    save(serverId, record) {
      database.assertWritable();
      const iso = (ms: number) => new Date(ms).toISOString();
      guarded(() =>
        upsert.run({
          serverId,
          definitionHash: record.definitionHash,
          era: record.era?.era ?? null,
          wire: record.era?.wire ?? null,
          protocolVersion: record.era?.protocolVersion ?? null,
          discover: record.era?.discover === undefined ? null : JSON.stringify(record.era.discover),
          eraCheckedAt: record.era === undefined ? null : iso(record.era.checkedAt),
          capabilities: JSON.stringify(record.capabilities),
          serverInfo: record.serverInfo === undefined ? null : JSON.stringify(record.serverInfo),
          instructions: record.instructions ?? null,
          tools: JSON.stringify(record.tools),
          prompts: JSON.stringify(record.prompts),
          resources: JSON.stringify(record.resources),
          resourceTemplates: JSON.stringify(record.resourceTemplates),
          refreshedAt: iso(record.refreshedAt || deps.clock.now()),
        }),
      );
    },
    remove(serverId) {
      database.assertWritable();
      guarded(() => deleteOne.run(serverId));
    },
  };
}

/** True when two rows of the select hold the same values (the text of a catalog compared as text). */
function sameRow(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  for (const column in b) if (a[column] !== b[column]) return false;
  return true;
}

function parseRow(raw: unknown): StoredCatalog {
  const row = RowSchema.parse(raw);
  const era: EraMemory | undefined =
    row.era === null || row.wire === null
      ? undefined
      : {
          era: row.era,
          wire: row.wire,
          protocolVersion: row.protocol_version ?? undefined,
          discover: row.discover === null ? undefined : JsonObject.parse(JSON.parse(row.discover)),
          checkedAt: row.era_checked_at === null ? 0 : Date.parse(row.era_checked_at),
        };
  const serverInfo =
    row.server_info === null
      ? undefined
      : (JsonObject.parse(JSON.parse(row.server_info)) as UpstreamCatalog['serverInfo']);
  return {
    serverId: row.server_id,
    prefix: row.prefix,
    definitionHash: row.definition_hash,
    era,
    capabilities: JsonObject.parse(JSON.parse(row.capabilities)),
    serverInfo,
    instructions: row.instructions ?? undefined,
    tools: NamedList.parse(JSON.parse(row.tools)) as Tool[],
    prompts: NamedList.parse(JSON.parse(row.prompts)) as Prompt[],
    resources: ResourceList.parse(JSON.parse(row.resources)) as Resource[],
    resourceTemplates: TemplateList.parse(JSON.parse(row.resource_templates)) as ResourceTemplateType[],
    refreshedAt: Date.parse(row.refreshed_at),
  };
}
