import { z } from 'zod';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type {
  DefinitionIssue,
  ServerDefinition,
  StoredServer,
} from '../../preload/contract/server-definition.ts';
import {
  definitionIssues,
  formatIssuePath,
  ServerDefinitionSchema,
} from '../../preload/contract/server-definition.ts';
import { invalid, parseDefinition } from './definition-input.ts';
import { createChangeStamp } from './change-stamp.ts';
import type { RegistryDatabase } from './database.ts';
import { toDbError } from './database.ts';
import { deepFreeze } from '../lib/deep-freeze.ts';

/** A stored server row this app cannot read (hand-edited, or written by a broken build). */
export interface ServerProblem {
  prefix: string;
  /** DB_ERROR naming the prefix; `details.issues` lists what is wrong when the definition did not validate. */
  error: SwitchboardError;
}

export interface ServerRepositoryDeps {
  clock: Clock;
  log?: Logger;
}

export interface ServerRepository {
  /** Validates and stores a new server; VALIDATION when invalid, CONFLICT when the prefix is taken. */
  add(input: unknown): StoredServer;
  /**
   * Replaces the definition of `prefix` (the new one may rename it). When `input` has no `enabled` field,
   * the current enabled state is kept, so editing a disabled server does not switch it on.
   */
  update(prefix: string, input: unknown): StoredServer;
  /** The server with this prefix; NOT_FOUND when absent, DB_ERROR when its row cannot be read. */
  get(prefix: string): StoredServer;
  /** Like get, but undefined when absent. Frozen (answered from the parsed rows list() keeps), like list's. */
  find(prefix: string): StoredServer | undefined;
  /** Every readable server, by prefix; unreadable rows are skipped (see listWithProblems). */
  list(): StoredServer[];
  /** Every server, readable ones and the problems of unreadable ones. */
  listWithProblems(): { servers: StoredServer[]; problems: ServerProblem[] };
  /** Removes the server and everything that cascades from it; NOT_FOUND when absent. Works on unreadable rows. */
  remove(prefix: string): void;
  /** Switches a server on or off. */
  setEnabled(prefix: string, enabled: boolean): StoredServer;
  /** The row id other tables reference (tool cache, vault, call log); NOT_FOUND when absent. */
  idOf(prefix: string): number;
  /** Stores a person's value for a NON-secret variable the server declares. */
  setEnvValue(prefix: string, name: string, value: string): void;
  /** Forgets a stored value; true when there was one. */
  unsetEnvValue(prefix: string, name: string): boolean;
  /** The stored non-secret values of a server, by variable name. */
  listEnvValues(prefix: string): Record<string, string>;
  /** The same by server id (empty for an id that no longer exists). */
  listEnvValuesById(serverId: number): Record<string, string>;
  /** The server with this id, or undefined. */
  findById(serverId: number): StoredServer | undefined;
}

/** Longest value accepted for a non-secret variable (matches the definition's `env` value limit). */
export const ENV_VALUE_MAX_LENGTH = 32_768;

const ServerRowSchema = z.object({
  id: z.number().int(),
  prefix: z.string(),
  enabled: z.union([z.literal(0), z.literal(1)]),
  definition: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
type ServerRow = z.output<typeof ServerRowSchema>;

const EnvValueRowsSchema = z.array(z.object({ name: z.string(), value: z.string() }));

// NUL cannot travel through an environment block (execve stops at it), so it can never be a valid value.
const EnvValueSchema = z
  .string({ error: 'must be a string' })
  .max(ENV_VALUE_MAX_LENGTH, `must be at most ${ENV_VALUE_MAX_LENGTH} characters`)
  .refine((v) => !v.includes('\0'), 'must not contain NUL characters');

type ReadResult =
  { ok: true; id: number; server: StoredServer } | { ok: false; prefix: string; error: SwitchboardError };

/** The registry's servers and their non-secret per-user values, over an open RegistryDatabase. */
export function createServerRepository(
  database: RegistryDatabase,
  deps: ServerRepositoryDeps,
): ServerRepository {
  const db = database.connection;
  const log = deps.log ?? silentLogger;
  const now = () => new Date(deps.clock.now()).toISOString();

  const selectOne = db.prepare('SELECT * FROM servers WHERE prefix = ?');
  const selectAll = db.prepare('SELECT * FROM servers ORDER BY prefix');
  const selectId = db.prepare('SELECT id FROM servers WHERE prefix = ?').pluck();
  const insert = db.prepare(
    'INSERT INTO servers (prefix, enabled, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const updateRow = db.prepare(
    'UPDATE servers SET prefix = ?, enabled = ?, definition = ?, updated_at = ? WHERE id = ?',
  );
  const updateEnabled = db.prepare('UPDATE servers SET enabled = ?, updated_at = ? WHERE id = ?');
  const deleteRow = db.prepare('DELETE FROM servers WHERE id = ?');
  const upsertEnv = db.prepare(
    `INSERT INTO env_values (server_id, name, value, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (server_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const deleteEnv = db.prepare('DELETE FROM env_values WHERE server_id = ? AND name = ?');
  const selectEnv = db.prepare('SELECT name, value FROM env_values WHERE server_id = ? ORDER BY name');
  const pruneEnv = db.prepare(
    'DELETE FROM env_values WHERE server_id = ? AND name NOT IN (SELECT value FROM json_each(?))',
  );

  const read = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw toDbError(error, database.file);
    }
  };
  // IMMEDIATE: take the write lock before reading, so a check-then-write (prefix free? row still there?)
  // cannot be invalidated by another process between the two.
  const write = <T>(fn: () => T): T => {
    database.assertWritable();
    return read(() => db.transaction(fn).immediate());
  };

  const envValuesOf = (serverId: number): Record<string, string> => {
    const rows = EnvValueRowsSchema.parse(selectEnv.all(serverId));
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  };
  const rowOf = (prefix: string): ServerRow | undefined => {
    const raw = selectOne.get(prefix);
    return raw === undefined ? undefined : parseServerRow(raw);
  };
  const requireRow = (prefix: string): ServerRow => {
    const row = rowOf(prefix);
    if (!row) throw notFound(prefix);
    return row;
  };
  // Only the id: removal and id lookups must work even on a row whose other columns are unreadable.
  const requireId = (prefix: string): number => {
    const id = selectId.get(prefix);
    if (typeof id !== 'number') throw notFound(prefix);
    return id;
  };
  const requireServer = (row: ServerRow): StoredServer => {
    const result = readServer(row);
    if (!result.ok) throw result.error;
    return result.server;
  };
  const assertPrefixFree = (prefix: string) => {
    if (selectId.get(prefix) !== undefined) throw prefixTaken(prefix);
  };

  // One unreadable row must not hide the others: each is parsed on its own and reported separately.
  const readAll = () =>
    read(() => {
      const servers: StoredServer[] = [];
      const problems: ServerProblem[] = [];
      for (const raw of selectAll.all()) {
        const result = readRawRow(raw, database.file);
        if (result.ok) servers.push(deepFreeze(result.server));
        else problems.push({ prefix: result.prefix, error: result.error });
      }
      for (const problem of problems) log.warn('skipping unreadable server row', { prefix: problem.prefix });
      return { servers, problems };
    });

  // list() runs on hot paths (health ticks, pool syncs, the gateway's routing): validating every definition
  // with zod each time costs milliseconds at 50 servers. The parsed rows are kept until the registry file
  // changes — a write by this connection (any repository, any statement) or a commit by another process —
  // which the change stamp detects exactly. Cached servers are frozen, so a caller cannot alter the cache.
  // find() runs on every request to an HTTP upstream (its auth provider resolves the server afresh, so a removed or
  // replaced one never gets the old token) and is answered from the same parsed rows.
  const stamp = createChangeStamp(db);
  interface Parsed {
    stamp: string;
    servers: StoredServer[];
    problems: ServerProblem[];
    byPrefix: Map<string, StoredServer>;
  }
  let cached: Parsed | undefined;
  /** The parsed rows while the file is unchanged; undefined inside a transaction (never cached then). */
  const parsed = (): Parsed | undefined => {
    const current = read(() => stamp.read());
    if (current === undefined) {
      cached = undefined;
      return undefined;
    }
    if (cached?.stamp !== current) {
      const all = readAll();
      cached = { stamp: current, ...all, byPrefix: new Map(all.servers.map((s) => [s.prefix, s])) };
    }
    return cached;
  };
  const listWithProblems = () => {
    const rows = parsed() ?? readAll();
    // Fresh arrays every time: callers may sort or filter them in place.
    return { servers: [...rows.servers], problems: [...rows.problems] };
  };

  return {
    add(input) {
      const definition = parseDefinition(input);
      return write(() => {
        assertPrefixFree(definition.prefix);
        const at = now();
        insert.run(definition.prefix, definition.enabled ? 1 : 0, storedJson(definition), at, at);
        return requireServer(requireRow(definition.prefix));
      });
    },

    update(prefix, input) {
      return write(() => {
        const row = requireRow(prefix);
        const keepEnabled =
          isPlainObject(input) && !('enabled' in input) ? { ...input, enabled: row.enabled === 1 } : input;
        const definition = parseDefinition(keepEnabled);
        if (definition.prefix !== prefix) assertPrefixFree(definition.prefix);
        updateRow.run(definition.prefix, definition.enabled ? 1 : 0, storedJson(definition), now(), row.id);
        // A variable that is gone, or became secret, must not keep a plain-text value behind.
        const plainNames = definition.envVars.filter((spec) => !spec.secret).map((spec) => spec.name);
        const pruned = pruneEnv.run(row.id, JSON.stringify(plainNames)).changes;
        if (pruned > 0)
          log.info('dropped stored values of variables no longer declared as non-secret', { prefix, pruned });
        return requireServer(requireRow(definition.prefix));
      });
    },

    get(prefix) {
      return read(() => requireServer(requireRow(prefix)));
    },

    find(prefix) {
      const rows = parsed();
      const hit = rows?.byPrefix.get(prefix);
      if (hit !== undefined) return hit;
      // Not there: absent, or an unreadable row, whose read below fails with its own problem.
      if (rows !== undefined && !rows.problems.some((p) => p.prefix === prefix)) return undefined;
      return read(() => {
        const row = rowOf(prefix);
        return row === undefined ? undefined : requireServer(row);
      });
    },

    list() {
      return listWithProblems().servers;
    },

    listWithProblems,

    remove(prefix) {
      write(() => {
        deleteRow.run(requireId(prefix));
      });
    },

    setEnabled(prefix, enabled) {
      return write(() => {
        const row = requireRow(prefix);
        requireServer(row); // Refuse to toggle a row we could not run anyway.
        updateEnabled.run(enabled ? 1 : 0, now(), row.id);
        return requireServer(requireRow(prefix));
      });
    },

    idOf(prefix) {
      return read(() => requireId(prefix));
    },

    setEnvValue(prefix, name, value) {
      const parsed = EnvValueSchema.safeParse(value);
      if (!parsed.success) {
        throw invalid(
          `value of ${name}`,
          definitionIssues(parsed.error).map((i) => ({ ...i, path: ['value'] })),
        );
      }
      write(() => {
        const row = requireRow(prefix);
        const spec = requireServer(row).envVars.find((s) => s.name === name);
        if (!spec) {
          throw invalid(`variable ${name}`, [
            { path: ['name'], message: `"${name}" is not a variable declared by server "${prefix}"` },
          ]);
        }
        if (spec.secret) {
          throw invalid(`variable ${name}`, [
            {
              path: ['name'],
              message: `"${name}" is a secret variable of server "${prefix}"; store it in the vault, not as a plain value`,
            },
          ]);
        }
        upsertEnv.run(row.id, name, parsed.data, now());
      });
    },

    unsetEnvValue(prefix, name) {
      return write(() => deleteEnv.run(requireId(prefix), name).changes > 0);
    },

    listEnvValues(prefix) {
      return read(() => envValuesOf(requireId(prefix)));
    },

    listEnvValuesById(serverId) {
      return read(() => envValuesOf(serverId));
    },

    findById(serverId) {
      return listWithProblems().servers.find((s) => s.id === serverId);
    },
  };
}

/** The definition part of a stored server (drops bookkeeping), e.g. to edit it and pass it to update(). */
export function toDefinition(server: StoredServer): ServerDefinition {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...definition } = server;
  return definition as ServerDefinition;
}

/** prefix and enabled are columns; keeping them out of the JSON leaves one source of truth for each. */
function storedJson(definition: ServerDefinition): string {
  const { prefix: _prefix, enabled: _enabled, ...rest } = definition;
  return JSON.stringify(rest);
}

function parseServerRow(raw: unknown): ServerRow {
  const parsed = ServerRowSchema.safeParse(raw);
  if (!parsed.success) {
    const prefix = String((raw as { prefix?: unknown } | null)?.prefix);
    const issues = definitionIssues(parsed.error);
    throw unreadable(
      prefix,
      issues.map((i) => `column ${formatIssuePath(i.path)}: ${i.message}`),
      issues,
    );
  }
  return parsed.data;
}

function readRawRow(raw: unknown, file: string): ReadResult {
  try {
    return readServer(parseServerRow(raw));
  } catch (error) {
    const prefix = String((raw as { prefix?: unknown } | null)?.prefix);
    return { ok: false, prefix, error: toDbError(error, file) };
  }
}

function readServer(row: ServerRow): ReadResult {
  let json: unknown;
  try {
    json = JSON.parse(row.definition);
  } catch {
    return {
      ok: false,
      prefix: row.prefix,
      error: unreadable(row.prefix, ['its definition is not valid JSON'], []),
    };
  }
  // Columns win over anything the JSON might also carry.
  const parsed = ServerDefinitionSchema.safeParse(
    isPlainObject(json) ? { ...json, prefix: row.prefix, enabled: row.enabled === 1 } : json,
  );
  if (!parsed.success) {
    const issues = definitionIssues(parsed.error);
    const lines = issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    return { ok: false, prefix: row.prefix, error: unreadable(row.prefix, lines, issues) };
  }
  return {
    ok: true,
    id: row.id,
    server: { ...parsed.data, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at },
  };
}

function unreadable(prefix: string, lines: string[], issues: DefinitionIssue[]): SwitchboardError {
  return new SwitchboardError(
    'DB_ERROR',
    `the stored definition of server "${prefix}" cannot be read (${lines.join('; ')}); ` +
      `remove it with "switchboard server remove ${prefix}" and add it again`,
    { details: { prefix, issues } },
  );
}

function notFound(prefix: string): SwitchboardError {
  return new SwitchboardError('NOT_FOUND', `no server has the prefix "${prefix}"`, { details: { prefix } });
}

function prefixTaken(prefix: string): SwitchboardError {
  const message = `"${prefix}" is already used by another server; choose another prefix`;
  return new SwitchboardError('CONFLICT', `prefix: ${message}`, {
    details: { prefix, issues: [{ path: ['prefix'], message }] },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
