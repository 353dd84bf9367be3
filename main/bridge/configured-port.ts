import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The `gateway.port` setting of a data directory, read straight from the registry file without the registry
 * (no migration, no write): a bridge started before the hub must wait at — and say — the port the hub will
 * listen on (issue 16.4). Loaded only when no `gateway.json` names a running hub, so the usual start stays
 * free of SQLite. Undefined when the file or the row is missing or unreadable (the default port applies).
 */
export function readConfiguredPort(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'switchboard.db');
  let connection: { prepare(sql: string): { pluck(): { get(): unknown } }; close(): void } | undefined;
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (
      file: string,
      options: { readonly: boolean; fileMustExist: boolean; timeout: number },
    ) => NonNullable<typeof connection>;
    connection = new Database(file, { readonly: true, fileMustExist: true, timeout: 500 });
    const value = connection.prepare("SELECT value FROM settings WHERE key = 'gateway.port'").pluck().get();
    const port: unknown = typeof value === 'string' ? JSON.parse(value) : undefined;
    return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535
      ? port
      : undefined;
  } catch {
    return undefined;
  } finally {
    try {
      connection?.close();
    } catch {
      // nothing to do
    }
  }
}
