import { afterEach, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../main/registry/index.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';

afterEach(removeTempDirs);

const stdio = (prefix: string) => ({ prefix, name: prefix, transport: 'stdio', command: 'node' });

describe('tool pins in the registry (migration 009)', () => {
  it('keeps pin sets and pins per server id, and drops them with the server', () => {
    const registry = openRegistry(makeTempDir('pins'));
    try {
      const a = registry.write(() => registry.servers.add(stdio('a')));
      const b = registry.write(() => registry.servers.add(stdio('b')));
      const pinsVersion = () =>
        registry.db.connection
          .prepare("SELECT version FROM change_counters WHERE name = 'tool_pins'")
          .pluck()
          .get();
      const before = pinsVersion();
      expect(registry.toolPins.get(a.id)).toBeUndefined();
      registry.write(() => registry.toolPins.pin(a.id, [], 10)); // seen, with no tools
      registry.write(() =>
        registry.toolPins.pin(b.id, [{ tool: 'x', hash: 'sha256:1', definition: '{"name":"x"}' }], 20),
      );
      expect(registry.toolPins.get(a.id)).toEqual({ pinnedAt: 10, tools: new Map() });
      expect(pinsVersion()).not.toBe(before);
      registry.write(() =>
        registry.toolPins.pin(b.id, [{ tool: 'x', hash: 'sha256:2', definition: '{"name":"x","d":1}' }], 30),
      );
      expect(registry.toolPins.get(b.id)?.tools.get('x')).toEqual({
        hash: 'sha256:2',
        definition: '{"name":"x","d":1}',
        pinnedAt: 30,
      });
      expect(registry.toolPins.get(b.id)?.pinnedAt).toBe(20);
      expect([...registry.toolPins.all().keys()].sort()).toEqual([a.id, b.id]);

      registry.write(() => registry.servers.remove('b'));
      const db = registry.db.connection;
      expect(db.prepare('SELECT count(*) FROM tool_pins WHERE server_id = ?').pluck().get(b.id)).toBe(0);
      expect(db.prepare('SELECT count(*) FROM tool_pin_sets WHERE server_id = ?').pluck().get(b.id)).toBe(0);
      // A new server under the reused prefix starts with nothing; pinning a removed id is a no-op.
      const again = registry.write(() => registry.servers.add(stdio('b')));
      expect(registry.toolPins.get(again.id)).toBeUndefined();
      registry.write(() => registry.toolPins.pin(b.id, [{ tool: 'y', hash: 'h', definition: '{}' }], 40));
      expect(registry.toolPins.get(b.id)).toBeUndefined();
    } finally {
      registry.close();
    }
  });

  it('counts every write of the secrets table, whichever path made it', () => {
    const registry = openRegistry(makeTempDir('vault-changes'));
    try {
      const db = registry.db.connection;
      const version = () =>
        db.prepare("SELECT version FROM change_counters WHERE name = 'secrets'").pluck().get() as number;
      const server = registry.write(() => registry.servers.add(stdio('s')));
      const before = version();
      const insert = db.prepare(
        `INSERT INTO secrets (owner, name, key_id, nonce, ciphertext, updated_at)
         VALUES (?, 'N', 'k', x'00', x'00', '2026-01-01T00:00:00.000Z')`,
      );
      insert.run(`server:${server.id}`);
      expect(version()).toBe(before + 1);
      db.prepare("UPDATE secrets SET nonce = x'01'").run();
      expect(version()).toBe(before + 2);
      registry.write(() => registry.servers.remove('s')); // the 008 trigger deletes its secrets
      expect(version()).toBe(before + 3);
    } finally {
      registry.close();
    }
  });

  it('stores call-log findings as kinds and counts; older rows read without them', () => {
    const registry = openRegistry(makeTempDir('findings'));
    try {
      const row = { at: 1, clientName: 'c', server: 's', tool: 't', durationMs: 1, outcome: 'ok' as const };
      registry.callLog.append([row, { ...row, findings: [{ kind: 'vault-secret', count: 2 }] }]);
      const [withFindings, without] = registry.callLog.query();
      expect(withFindings?.findings).toEqual([{ kind: 'vault-secret', count: 2 }]);
      expect(without?.findings).toBeUndefined();
    } finally {
      registry.close();
    }
  });
});
