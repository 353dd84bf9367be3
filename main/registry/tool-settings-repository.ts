import type { RegistryDatabase } from './database.ts';

/** Which tools a person switched off, per server id. Tools are on unless listed. */
export interface ToolSettingsRepository {
  /** Names of the tools switched off for the server. */
  disabled(serverId: number): Set<string>;
  /** Every server's switched-off tools, by server id. */
  allDisabled(): Map<number, Set<string>>;
  /** Switches one tool on or off; true when that changed anything. */
  setEnabled(serverId: number, tool: string, enabled: boolean): boolean;
}

/** Creates the repository over the registry database. */
export function createToolSettingsRepository(database: RegistryDatabase): ToolSettingsRepository {
  const db = database.connection;
  const selectOne = db.prepare<[number], { tool: string }>(
    'SELECT tool FROM disabled_tools WHERE server_id = ?',
  );
  const selectAll = db.prepare<[], { server_id: number; tool: string }>(
    'SELECT server_id, tool FROM disabled_tools',
  );
  const insert = db.prepare(
    'INSERT OR IGNORE INTO disabled_tools (server_id, tool) SELECT id, ? FROM servers WHERE id = ?',
  );
  const remove = db.prepare('DELETE FROM disabled_tools WHERE tool = ? AND server_id = ?');
  return {
    disabled: (serverId) => new Set(selectOne.all(serverId).map((r) => r.tool)),
    allDisabled() {
      const map = new Map<number, Set<string>>();
      for (const { server_id: serverId, tool } of selectAll.all()) {
        let set = map.get(serverId);
        if (!set) map.set(serverId, (set = new Set()));
        set.add(tool);
      }
      return map;
    },
    setEnabled(serverId, tool, enabled) {
      database.assertWritable();
      const result = enabled ? remove.run(tool, serverId) : insert.run(tool, serverId);
      return result.changes > 0;
    },
  };
}
