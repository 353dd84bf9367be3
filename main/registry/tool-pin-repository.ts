import type { ServerPins, ToolPin } from '../pins/pin-evaluation.ts';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';

/** A definition to pin for one tool. */
export interface PinInput {
  tool: string;
  hash: string;
  /** Canonical JSON of the definition. */
  definition: string;
}

/**
 * The approved tool definitions of every server, by server id (migration 009): a server's pin set exists from
 * the first time its tools were seen; each pin is the hash and canonical JSON of the approved definition.
 * Rows cascade with the server's row.
 */
export interface ToolPinRepository {
  /** The server's pin set, or undefined when its tools were never seen. */
  get(serverId: number): ServerPins | undefined;
  /** Every server's pin set, by server id. */
  all(): Map<number, ServerPins>;
  /**
   * Pins definitions (replacing earlier pins of the same tools), creating the server's pin set if it has none.
   * A no-op for a server id that no longer exists (removed meanwhile). Run inside registry.write.
   */
  pin(serverId: number, pins: readonly PinInput[], at: number): void;
}

interface PinRow {
  server_id: number;
  set_at: number;
  tool: string | null;
  hash: string | null;
  definition: string | null;
  pinned_at: number | null;
}

/** Creates the repository over the registry database. */
export function createToolPinRepository(database: RegistryDatabase): ToolPinRepository {
  const db = database.connection;
  const guarded = dbErrorGuard(database.file);
  const select = `SELECT s.server_id, s.pinned_at AS set_at, p.tool, p.hash, p.definition, p.pinned_at
    FROM tool_pin_sets s LEFT JOIN tool_pins p ON p.server_id = s.server_id`;
  const selectOne = db.prepare<[number], PinRow>(`${select} WHERE s.server_id = ?`);
  const selectAll = db.prepare<[], PinRow>(select);
  const insertSet = db.prepare(
    'INSERT OR IGNORE INTO tool_pin_sets (server_id, pinned_at) SELECT id, ? FROM servers WHERE id = ?',
  );
  const upsertPin = db.prepare(
    `INSERT INTO tool_pins (server_id, tool, hash, definition, pinned_at)
       SELECT server_id, @tool, @hash, @definition, @at FROM tool_pin_sets WHERE server_id = @serverId
     ON CONFLICT (server_id, tool) DO UPDATE SET hash = excluded.hash, definition = excluded.definition,
       pinned_at = excluded.pinned_at`,
  );

  const group = (rows: PinRow[]): Map<number, ServerPins> => {
    const sets = new Map<number, { pinnedAt: number; tools: Map<string, ToolPin> }>();
    for (const row of rows) {
      let set = sets.get(row.server_id);
      if (!set) sets.set(row.server_id, (set = { pinnedAt: row.set_at, tools: new Map() }));
      if (row.tool !== null && row.hash !== null && row.definition !== null) {
        set.tools.set(row.tool, { hash: row.hash, definition: row.definition, pinnedAt: row.pinned_at ?? 0 });
      }
    }
    return sets;
  };

  return {
    get: (serverId) => group(guarded(() => selectOne.all(serverId))).get(serverId),
    all: () => group(guarded(() => selectAll.all())),
    pin(serverId, pins, at) {
      database.assertWritable();
      guarded(() => {
        insertSet.run(Math.trunc(at), serverId);
        for (const pin of pins) {
          upsertPin.run({
            serverId,
            tool: pin.tool,
            hash: pin.hash,
            definition: pin.definition,
            at: Math.trunc(at),
          });
        }
      });
    },
  };
}
