import { afterEach, describe, expect, it } from 'vitest';
import { openHub, type Hub } from '../../../main/hub.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import { startTestHub, waitFor } from '../readiness/readiness-hub.ts';

/**
 * Issue 13, profiles in `export` / `import` (the transfer use-cases over real registries): an export holds every
 * profile — name, description, servers without a rule, server and tool rules (always-listed tools too), search mode,
 * budget, which clients use it — by server prefix and never a token; importing it into a new hub restores them
 * exactly (its export is the same text); importing into a hub in use adds without changing what its own servers look
 * like to anyone; a bad file is refused naming the entry and field, and changes nothing.
 */

afterEach(removeTempDirs);

const hubs: Hub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

function newHub(): Hub {
  const hub = openHub({
    dataDir: makeTempDir('transfer'),
    env: {},
    keyProviders: [createMemoryKeyProviderForTests()],
    log: silentLogger,
    clients: { platform: 'linux', home: makeTempDir('home'), env: {} },
    bridgeCommand: () => ({ command: process.execPath, args: ['/abs/cli.ts', 'bridge'], env: {} }),
  });
  hubs.push(hub);
  return hub;
}

const stdio = (prefix: string) => ({
  prefix,
  name: prefix.toUpperCase(),
  transport: 'stdio' as const,
  command: 'node',
});

/** Everything a profile holds, by server prefix (server ids differ between hubs). */
function profilesOf(hub: Hub) {
  const { registry } = hub;
  const prefixOf = new Map(registry.servers.list().map((s) => [s.id, s.prefix]));
  const bindings = registry.profiles.bindings();
  return registry.profiles.list().map((p) => ({
    name: p.name,
    isDefault: p.isDefault,
    description: p.description,
    others: p.others,
    toolMode: p.toolMode,
    budget: p.budget,
    servers: [...p.servers].map(([id, included]) => [prefixOf.get(id), included]).sort(),
    tools: [...p.tools]
      .flatMap(([id, rules]) => [...rules].map(([tool, rule]) => [prefixOf.get(id), tool, rule]))
      .sort(),
    clients: [...bindings]
      .filter(([, id]) => id === p.id)
      .map(([client]) => client)
      .sort(),
  }));
}

/** A hub with two servers and three profiles, a client token and the bridge bound to one of them. */
function sourceHub(): { hub: Hub; tokenSecret: string } {
  const hub = newHub();
  const { useCases, registry } = hub;
  registry.write(() => {
    registry.servers.add(stdio('alpha'));
    registry.servers.add(stdio('beta'));
  });
  useCases.profiles.update('default', {
    toolMode: 'auto',
    budget: { tools: 12, tokens: 3000 },
    tools: [{ prefix: 'alpha', tool: 'danger', rule: 'out' }],
  });
  useCases.profiles.create({
    name: 'work',
    description: 'What I use at work',
    toolMode: 'search',
    budget: { tools: 7 },
    servers: [{ prefix: 'alpha', included: true }],
    tools: [
      { prefix: 'beta', tool: 'search', rule: 'listed' },
      { prefix: 'alpha', tool: 'wipe', rule: 'out' },
    ],
  });
  useCases.profiles.create({
    name: 'Everything-but-beta',
    others: 'in',
    servers: [{ prefix: 'beta', included: false }],
  });
  const tokenSecret = useCases.tokens.create('cursor').token;
  useCases.profiles.use('cursor', 'work');
  useCases.profiles.use('bridge', 'Everything-but-beta');
  return { hub, tokenSecret };
}

describe('profiles in export and import', () => {
  it('an export holds every profile by prefix and no token; a new hub gets them back exactly', async () => {
    const { hub: source, tokenSecret } = sourceHub();
    const text = source.useCases.transfer.exportText();
    expect(text).not.toContain(tokenSecret);
    const doc = JSON.parse(text) as { profiles: unknown[] };
    expect(doc.profiles).toContainEqual({
      name: 'work',
      description: 'What I use at work',
      others: 'out',
      toolMode: 'search',
      budget: { tools: 7, tokens: 15_000 },
      servers: [{ prefix: 'alpha', included: true }],
      tools: [
        { prefix: 'alpha', tool: 'wipe', rule: 'out' },
        { prefix: 'beta', tool: 'search', rule: 'listed' },
      ],
      clients: ['cursor'],
    });

    const target = newHub();
    const result = await target.useCases.transfer.importText(text);
    expect(result).toEqual({
      servers: ['alpha', 'beta'],
      profiles: ['default', 'Everything-but-beta', 'work'],
    });
    expect(profilesOf(target)).toEqual(profilesOf(source));
    // The same text again: nothing was lost or added on the way.
    expect(target.useCases.transfer.exportText()).toBe(text);
  });

  it('a bad file is refused naming the entry and field, and changes nothing', async () => {
    const { hub: source } = sourceHub();
    const doc = JSON.parse(source.useCases.transfer.exportText()) as {
      servers: unknown[];
      profiles: Record<string, unknown>[];
    };
    const target = newHub();
    target.registry.write(() => target.registry.servers.add(stdio('gamma')));
    target.useCases.profiles.create({ name: 'mine', servers: [{ prefix: 'gamma', included: true }] });
    const before = target.useCases.transfer.exportText();
    const refused = async (change: (d: typeof doc) => void) => {
      const copy = structuredClone(doc);
      change(copy);
      return target.useCases.transfer.importText(JSON.stringify(copy)).then(
        () => 'imported',
        (error: Error & { code?: string }) => `${error.code}: ${error.message}`,
      );
    };

    expect(await refused((d) => (d.profiles[1]!.toolMode = 'sometimes'))).toBe(
      'VALIDATION: not a valid export file:\nprofiles[1].toolMode: must be full, search or auto',
    );
    expect(await refused((d) => (d.profiles[2]!.servers = [{ prefix: 'nowhere', included: true }]))).toBe(
      'VALIDATION: profiles[2].servers[0].prefix: "nowhere" is not a server of this file; a profile can only name ' +
        'the servers exported with it',
    );
    expect(await refused((d) => (d.profiles[2]!.name = 'everything-BUT-beta'))).toBe(
      'VALIDATION: profiles[2].name: "everything-BUT-beta" is in this file twice (names are compared without case)',
    );
    expect(await refused((d) => (d.profiles[1]!.name = 'has space'))).toMatch(
      /^VALIDATION: not a valid export file:\nprofiles\[1\]\.name: must start with a letter or digit/,
    );
    expect(await refused((d) => (d.profiles[2]!.budget = { tools: 0, tokens: 10 }))).toMatch(
      /^VALIDATION: not a valid export file:\nprofiles\[2\]\.budget\.tools: must be at least 1/,
    );
    expect(target.useCases.transfer.exportText()).toBe(before);
  });

  it('into a hub in use it only adds: its own servers keep their place in every profile, its settings stay', async () => {
    const { hub: source } = sourceHub();
    const text = source.useCases.transfer.exportText();
    const target = newHub();
    target.registry.write(() => target.registry.servers.add(stdio('gamma')));
    // This hub's own choices: the default leaves servers out unless named, "work" takes everything.
    target.useCases.profiles.update('default', {
      others: 'out',
      servers: [{ prefix: 'gamma', included: true }],
    });
    target.useCases.profiles.create({ name: 'WORK', others: 'in', toolMode: 'full' });
    target.useCases.tokens.create('cursor');
    const before = profilesOf(target);

    const result = await target.useCases.transfer.importText(text);
    expect(result).toEqual({
      servers: ['alpha', 'beta'],
      profiles: ['default', 'Everything-but-beta', 'WORK'],
    });
    const after = profilesOf(target);
    const byName = (name: string) => after.find((p) => p.name === name)!;

    // default: this hub's settings; alpha and beta in, as the file's default (everything) had them.
    expect(byName('default')).toEqual({
      ...before[0],
      servers: [
        ['alpha', true],
        ['beta', true],
        ['gamma', true],
      ],
      tools: [['alpha', 'danger', 'out']],
    });
    // WORK: this hub's settings (everything in, full); the file's selection of alpha and beta, exactly.
    expect(byName('WORK')).toEqual({
      ...before.find((p) => p.name === 'WORK'),
      servers: [
        ['alpha', true],
        ['beta', false],
      ],
      tools: [
        ['alpha', 'wipe', 'out'],
        ['beta', 'search', 'listed'],
      ],
    });
    // New here: taken whole, without its clients (this hub's clients stay where they are).
    expect(byName('Everything-but-beta')).toMatchObject({
      others: 'in',
      servers: [['beta', false]],
      clients: [],
    });
    expect(target.registry.profiles.bindings().size).toBe(0);
  });

  it('a file without profiles imports its servers and leaves the profiles alone', async () => {
    const target = newHub();
    target.useCases.profiles.create({ name: 'mine', toolMode: 'search' });
    const before = profilesOf(target);
    const text = JSON.stringify({ format: 'switchboard-servers', version: 1, servers: [stdio('delta')] });
    expect(await target.useCases.transfer.importText(text)).toEqual({ servers: ['delta'], profiles: [] });
    expect(profilesOf(target)).toEqual(before);
  });

  it('a running hub applies imported profiles at once, even from a file without servers', async () => {
    const h = await startTestHub({ health: false });
    try {
      const client = await h.client();
      expect((await client.listTools()).tools).toEqual([]);
      const file = JSON.stringify({
        format: 'switchboard-servers',
        version: 1,
        servers: [],
        profiles: [{ name: 'default', toolMode: 'search' }],
      });
      // No server here yet: a restore, so the default takes the file's tool mode.
      expect(await h.hub.useCases.transfer.importText(file)).toEqual({ servers: [], profiles: ['default'] });
      const names = await waitFor(async () => {
        const listed = (await client.listTools()).tools.map((t) => t.name);
        return listed.length > 0 ? listed : undefined;
      }, 10_000);
      expect(names).toEqual([
        'switchboard_search_tools',
        'switchboard_describe_tool',
        'switchboard_call_tool',
      ]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
