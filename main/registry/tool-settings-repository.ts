import type { RegistryDatabase } from './database.ts';

/** Which tools a person switched off, per server. Tools are on unless listed. */
export interface ToolSettingsRepository {
  /** Names of the tools switched off for `prefix`. */
  disabled(prefix: string): Set<string>;
  /** Every server's switched-off tools, by prefix. */
  allDisabled(): Map<string, Set<string>>;
  /** Switches one tool on or off; true when that changed anything. */
  setEnabled(prefix: string, tool: string, enabled: boolean): boolean;
}

/** Creates the repository over the registry database. */
export function createToolSettingsRepository(database: RegistryDatabase): ToolSettingsRepository {
  const db = database.connection;
  const selectOne = db.prepare<[string], { tool: string }>(
    'SELECT t.tool FROM disabled_tools t JOIN servers s ON s.id = t.server_id WHERE s.prefix = ?',
  );
  const selectAll = db.prepare<[], { prefix: string; tool: string }>(
    'SELECT s.prefix, t.tool FROM disabled_tools t JOIN servers s ON s.id = t.server_id',
  );
  const insert = db.prepare(
    'INSERT OR IGNORE INTO disabled_tools (server_id, tool) SELECT id, ? FROM servers WHERE prefix = ?',
  );
  const remove = db.prepare(
    'DELETE FROM disabled_tools WHERE tool = ? AND server_id = (SELECT id FROM servers WHERE prefix = ?)',
  );
  return {
    disabled: (prefix) => new Set(selectOne.all(prefix).map((r) => r.tool)),
    allDisabled() {
      const map = new Map<string, Set<string>>();
      for (const { prefix, tool } of selectAll.all()) {
        let set = map.get(prefix);
        if (!set) map.set(prefix, (set = new Set()));
        set.add(tool);
      }
      return map;
    },
    setEnabled(prefix, tool, enabled) {
      database.assertWritable();
      const result = enabled ? remove.run(tool, prefix) : insert.run(tool, prefix);
      return result.changes > 0;
    },
  };
}
