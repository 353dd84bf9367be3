import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openHub, type Hub } from '../../../main/hub.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import { startTestHub, waitFor, type TestHub } from '../readiness/readiness-hub.ts';

/**
 * The profile use-cases over a real registry (the window's, the CLI's and the tray's one implementation): rules by
 * prefix stored by server id, listings computed from the cached catalogs as the gateway builds them, clients bound
 * by name (a stdio-only client means the bridge), `connect --profile`; and, in a running hub, a binding made in the
 * same process tells the client's open session at once.
 */

afterEach(removeTempDirs);

function hubAt(dataDir: string, home: string): Hub {
  return openHub({
    dataDir,
    env: {},
    keyProviders: [createMemoryKeyProviderForTests()],
    log: silentLogger,
    clients: { platform: 'linux', home, env: {} },
    bridgeCommand: () => ({ command: process.execPath, args: ['/abs/cli.ts', 'bridge'], env: {} }),
  });
}

const catalogOf = (names: string[]) => ({
  capabilities: { tools: {} },
  tools: names.map((name) => ({
    name,
    description: `The ${name} tool`,
    inputSchema: { type: 'object' as const },
  })),
  prompts: [],
  resources: [],
  resourceTemplates: [],
  definitionHash: 'h',
  refreshedAt: 1,
});

describe('profile use-cases', () => {
  it('create, edit by prefix, list with listings, bind clients, remove back to the default', async () => {
    const home = makeTempDir('home');
    const hub = hubAt(makeTempDir('profiles'), home);
    try {
      const { registry, useCases } = hub;
      const a = registry.write(() =>
        registry.servers.add({ prefix: 'a', name: 'A', transport: 'stdio', command: 'node' }),
      );
      const b = registry.write(() =>
        registry.servers.add({ prefix: 'b', name: 'B', transport: 'stdio', command: 'node' }),
      );
      registry.catalog.save(a.id, catalogOf(['one', 'two']));
      registry.catalog.save(b.id, catalogOf(Array.from({ length: 50 }, (_, i) => `t${i}`)));
      const { profiles } = useCases;

      expect(profiles.list().map((p) => [p.name, p.listing.tools, p.listing.mode])).toEqual([
        ['default', 52, 'full'],
      ]);
      const work = profiles.create({ name: 'work', servers: [{ prefix: 'a', included: true }] });
      expect(work.listing).toMatchObject({ tools: 2, listed: 2, mode: 'full' });
      expect(work.servers.map((s) => [s.prefix, s.included, s.rule])).toEqual([
        ['a', true, true],
        ['b', false, null],
      ]);

      const auto = profiles.update('work', {
        toolMode: 'auto',
        budget: { tools: 10 },
        tools: [
          { prefix: 'b', tool: 't3', rule: 'listed' },
          { prefix: 'b', tool: 't4', rule: 'in' },
          { prefix: 'a', tool: 'two', rule: 'out' },
        ],
      });
      expect(auto.listing).toMatchObject({ tools: 3, mode: 'full', listed: 3 });
      const searching = profiles.update('work', { toolMode: 'search' });
      // The three meta-tools and the always-listed b__t3.
      expect(searching.listing).toMatchObject({ tools: 3, mode: 'search', listed: 4 });
      expect(
        searching.servers.find((s) => s.prefix === 'b')?.tools.find((t) => t.name === 't3'),
      ).toMatchObject({
        rule: 'listed',
        included: true,
        alwaysListed: true,
      });
      expect(() => profiles.update('work', { servers: [{ prefix: 'zz', included: true }] })).toThrow(
        /no server has the prefix "zz"/,
      );
      expect(() => profiles.create({ name: 'Work' })).toThrow(/already exists/);
      expect(() => profiles.update('default', { rename: 'other' })).toThrow(/cannot be renamed/);
      expect(() => profiles.remove('default')).toThrow(/cannot be removed/);

      // A stdio-only client means the bridge; an HTTP client is bound by its token, created by connect.
      expect(profiles.use('claude-desktop', 'work')).toEqual({
        client: 'bridge',
        profile: 'work',
        previous: 'default',
      });
      expect(() => profiles.use('cursor', 'work')).toThrow(/connect it first/);
      const connected = await useCases.clients.connect('cursor', { profile: 'work' });
      expect(connected.tokenName).toBe('cursor');
      expect(fs.existsSync(connected.path)).toBe(true);
      await expect(useCases.clients.connect('vscode', { profile: 'nope' })).rejects.toThrow(
        /no profile named "nope"/,
      );
      expect(fs.existsSync(path.join(home, '.config/Code/User/mcp.json'))).toBe(false);
      expect(profiles.clients().map((c) => [c.client, c.profile, c.mode, c.listed, c.tools])).toEqual([
        ['cursor', 'work', 'search', 4, 3],
        ['bridge', 'work', 'search', 4, 3],
      ]);
      expect(profiles.list().find((p) => p.name === 'work')?.clients).toEqual(['cursor', 'bridge']);

      // The binding is by name: a new token for the same client keeps its profile.
      registry.write(() => registry.tokens.revoke('cursor'));
      registry.write(() => registry.tokens.create('cursor'));
      expect(profiles.clients()[0]).toMatchObject({ client: 'cursor', profile: 'work' });

      const copy = profiles.create({ name: 'copy', from: 'work' });
      expect(copy.listing.tools).toBe(3);
      expect(profiles.remove('work')).toEqual({ removed: 'work', clients: ['bridge', 'cursor'] });
      expect(profiles.clients().map((c) => c.profile)).toEqual(['default', 'default']);

      // Removing a server drops its rules with it.
      registry.write(() => registry.servers.remove('b'));
      expect(profiles.get('copy').servers.map((s) => s.prefix)).toEqual(['a']);
      expect(
        registry.db.connection
          .prepare('SELECT count(*) FROM profile_tools WHERE server_id = ?')
          .pluck()
          .get(b.id),
      ).toBe(0);
    } finally {
      await hub.close();
    }
  });
});

describe('in a running hub', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub({ health: false });
    await h.hub.useCases.servers.add({
      prefix: 'echo',
      name: 'echo',
      transport: 'stdio',
      command: process.execPath,
      args: [FIXTURES.echo],
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a binding made in this process tells the client at once, and moving back restores its tools', async () => {
    const client = await h.client();
    const names = async () => (await client.listTools()).tools.map((t) => t.name);
    await waitFor(async () => ((await names()).includes('echo__echo') ? true : undefined), 30_000);
    let heard = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void heard++);
    const events: unknown[] = [];
    const off = h.runtime.on('profiles.changed', (e) => events.push(e));
    h.hub.useCases.profiles.create({ name: 'nothing' });
    h.hub.useCases.profiles.use('readiness-test', 'nothing');
    await waitFor(async () => (heard > 0 ? true : undefined), 10_000);
    expect(await names()).toEqual([]);
    expect(events.length).toBeGreaterThanOrEqual(2);
    h.hub.useCases.profiles.use('readiness-test', 'default');
    await waitFor(async () => ((await names()).includes('echo__echo') ? true : undefined), 10_000);
    off();
  }, 60_000);
});
