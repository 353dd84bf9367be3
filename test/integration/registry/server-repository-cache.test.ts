import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { ServerRepository } from '../../../main/registry/server-repository.ts';
import { createServerRepository } from '../../../main/registry/server-repository.ts';
import {
  createFakeClock,
  makeTempDir,
  removeTempDirs,
  stdioDefinition,
} from '../../fixtures/registry/temp-registry.ts';

/**
 * list() keeps the parsed rows between calls (it runs on hot paths) and must still never answer stale: every
 * write — through this repository, another repository or raw SQL on the same connection, or another connection
 * (another process) — shows at the next call.
 */

let file: string;
let database: RegistryDatabase;
let servers: ServerRepository;

beforeEach(() => {
  file = path.join(makeTempDir('servers-cache'), 'switchboard.db');
  database = openDatabase({ file, clock: createFakeClock() });
  servers = createServerRepository(database, { clock: createFakeClock() });
});

afterEach(() => {
  database.close();
  removeTempDirs();
});

const prefixes = (repo: ServerRepository) => repo.list().map((s) => s.prefix);

describe('server list cache', () => {
  it('answers repeated lists from the cache with equal, frozen servers in fresh arrays', () => {
    servers.add(stdioDefinition('alpha'));
    const first = servers.list();
    const second = servers.list();
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(Object.isFrozen(second[0])).toBe(true);
    expect(Object.isFrozen(second[0]!.envVars)).toBe(true);
    second.pop(); // A caller's array is its own.
    expect(prefixes(servers)).toEqual(['alpha']);
  });

  it('sees writes made through the repository at once', () => {
    servers.add(stdioDefinition('alpha'));
    expect(prefixes(servers)).toEqual(['alpha']);
    servers.add(stdioDefinition('beta'));
    expect(prefixes(servers)).toEqual(['alpha', 'beta']);
    servers.setEnabled('beta', false);
    expect(servers.list().find((s) => s.prefix === 'beta')?.enabled).toBe(false);
    servers.remove('alpha');
    expect(prefixes(servers)).toEqual(['beta']);
  });

  it('sees writes made by another repository or raw SQL on the same connection', () => {
    servers.add(stdioDefinition('alpha'));
    expect(prefixes(servers)).toEqual(['alpha']);
    createServerRepository(database, { clock: createFakeClock() }).add(stdioDefinition('beta'));
    expect(prefixes(servers)).toEqual(['alpha', 'beta']);
    database.connection
      .prepare(`UPDATE servers SET definition = '{"transport":"carrier-pigeon"}' WHERE prefix = 'beta'`)
      .run();
    const { servers: readable, problems } = servers.listWithProblems();
    expect(readable.map((s) => s.prefix)).toEqual(['alpha']);
    expect(problems.map((p) => p.prefix)).toEqual(['beta']);
  });

  it('sees commits made by another connection (another process)', () => {
    servers.add(stdioDefinition('alpha'));
    expect(prefixes(servers)).toEqual(['alpha']);
    const other = openDatabase({ file, clock: createFakeClock() });
    try {
      createServerRepository(other, { clock: createFakeClock() }).add(stdioDefinition('beta'));
    } finally {
      other.close();
    }
    expect(prefixes(servers)).toEqual(['alpha', 'beta']);
  });

  it('does not keep rows read inside a transaction that is rolled back', () => {
    servers.add(stdioDefinition('alpha'));
    const attempt = database.connection.transaction(() => {
      createServerRepository(database, { clock: createFakeClock() }).add(stdioDefinition('beta'));
      expect(prefixes(servers)).toEqual(['alpha', 'beta']);
      throw new Error('roll back');
    });
    expect(() => attempt()).toThrow('roll back');
    expect(prefixes(servers)).toEqual(['alpha']);
  });
});
