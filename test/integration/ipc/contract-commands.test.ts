import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../../preload/contract/commands.ts';
import { EVENT_NAMES } from '../../../preload/contract/events.ts';
import type { Result } from '../../../preload/contract/errors.ts';
import { forwardEvents } from '../../../main/ipc/event-forwarding.ts';
import { createClientTokenRepository } from '../../../main/registry/client-token-repository.ts';
import { echoDefinition, startRealHub, type RealHub } from './real-hub.ts';

/**
 * Every contract command against a REAL hub: valid input works, invalid input is a typed VALIDATION error
 * that changes nothing, and a secret set through the contract never comes back out of it.
 */

const CANARY = 'canary-Zq8vX3-secret-value-4711';
let h: RealHub;
const seen: { event: string; payload: unknown }[] = [];
const outputs: unknown[] = [];

async function run(name: string, input: unknown): Promise<Result<unknown>> {
  const result = await h.dispatch(name, input);
  outputs.push(result);
  return result;
}
async function ok<T = unknown>(name: CommandName, input: unknown): Promise<T> {
  const result = await run(name, input);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}
async function err(name: string, input: unknown) {
  const result = await run(name, input);
  if (result.ok) throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(result.value)}`);
  return result.error;
}

/** Everything a command could change, to compare before and after a refused one. */
function snapshot() {
  const { registry, vault } = h.hub;
  const servers = registry.servers.list();
  return JSON.stringify({
    servers,
    settings: registry.settings.getAll(),
    tokens: createClientTokenRepository(registry.db, { clock: h.hub.clock }).list(),
    env: servers.map((s) => registry.servers.listEnvValues(s.prefix)),
    secrets: servers.map((s) =>
      vault.listNames(`server:${registry.servers.idOf(s.prefix)}`).map((n) => n.name),
    ),
    disabled: [...h.hub.registry.toolSettings.allDisabled()].map(([k, v]) => [k, [...v]]),
    files: fs.readdirSync(h.home, { recursive: true }).map(String).sort(),
  });
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  h = await startRealHub();
  forwardEvents(h.runtime, (event, payload) => seen.push({ event, payload }));
});
afterAll(async () => {
  await h?.close();
});

/** One valid input per command, in an order where each makes sense (servers exist before they are used). */
const VALID: [CommandName, unknown][] = [
  ['app.info', {}],
  ['servers.add', { definition: echoDefinition('echo') }],
  ['servers.list', {}],
  ['servers.get', { prefix: 'echo' }],
  ['servers.update', { prefix: 'echo', definition: echoDefinition('echo', { name: 'Echo renamed' }) }],
  ['servers.setEnabled', { prefix: 'echo', enabled: true }],
  ['servers.parseSnippet', { text: '{"mcpServers":{"fs":{"command":"npx","args":["-y","x"]}}}' }],
  ['servers.logs', { prefix: 'echo' }],
  ['variables.set', { prefix: 'echo', name: 'CANARY_TOKEN', value: CANARY }],
  ['variables.unset', { prefix: 'echo', name: 'NOT_THERE' }],
  ['tools.setEnabled', { prefix: 'echo', tool: 'add', enabled: false }],
  ['tools.call', { prefix: 'echo', tool: 'echo', arguments: { text: 'hi' } }],
  ['tools.cancel', { callId: 'call-that-ended' }],
  ['tools.pending', { prefix: 'echo' }],
  ['tools.approve', { prefix: 'echo', all: true }],
  ['tools.policies', { prefix: 'echo' }],
  ['tools.setPolicies', { prefix: 'echo', leakGuard: 'redact' }],
  ['health.check', { prefix: 'echo' }],
  ['health.history', { prefix: 'echo', limit: 5 }],
  ['auth.connect', { prefix: 'echo' }],
  ['auth.disconnect', { prefix: 'echo' }],
  ['auth.start', { prefix: 'echo' }],
  ['auth.attempt', { prefix: 'echo' }],
  ['auth.cancel', { prefix: 'echo' }],
  ['activity.list', { limit: 10 }],
  ['settings.get', {}],
  ['settings.set', { idleTimeoutSeconds: 300 }],
  ['tokens.create', { name: 'my-app' }],
  ['tokens.list', {}],
  ['tokens.revoke', { name: 'my-app' }],
  ['clients.list', {}],
  ['clients.previewConnect', { id: 'cursor' }],
  ['clients.connect', { id: 'cursor' }],
  ['clients.check', { id: 'cursor' }],
  ['clients.manualEntry', { id: 'cursor' }],
  ['clients.disconnect', { id: 'cursor' }],
  ['clients.importPreview', { id: 'claude-desktop' }],
  ['clients.import', { id: 'claude-desktop' }],
  ['catalog.search', { text: 'file' }],
  ['catalog.categories', {}],
  ['catalog.template', { id: 'memory', prefix: 'mem' }],
  ['transfer.export', {}],
  ['transfer.import', { text: JSON.stringify({ format: 'switchboard-servers', version: 1, servers: [] }) }],
  ['gateway.status', {}],
  ['gateway.setPaused', { paused: false }],
  // Profiles (issue 13).
  ['profiles.create', { name: 'work', others: 'out' }],
  ['profiles.update', { name: 'work', toolMode: 'search', servers: [{ prefix: 'echo', included: true }] }],
  ['profiles.get', { name: 'work' }],
  ['profiles.list', {}],
  ['profiles.use', { client: 'bridge', profile: 'work' }],
  ['profiles.clients', {}],
  ['profiles.remove', { name: 'work' }],
  ['variables.clear', { prefix: 'echo' }],
  ['servers.remove', { prefix: 'imported-gone' }],
];
/** Commands whose valid input still gets a typed (non-VALIDATION-of-input) refusal from the core. */
const EXPECTED_REFUSAL: Partial<Record<CommandName, string[]>> = {
  'auth.connect': ['VALIDATION'], // a stdio server has no OAuth
  'auth.disconnect': ['VALIDATION'],
  'auth.start': ['VALIDATION'],
  'servers.remove': ['NOT_FOUND'],
};

describe('every contract command', () => {
  it('the valid-input table covers the whole contract', () => {
    expect(new Set(VALID.map(([name]) => name))).toEqual(new Set(COMMAND_NAMES));
  });

  it('runs with valid input (or refuses with the expected typed error)', async () => {
    fs.mkdirSync(path.join(h.home, '.config/Claude'), { recursive: true });
    fs.writeFileSync(
      path.join(h.home, '.config/Claude/claude_desktop_config.json'),
      JSON.stringify({
        mcpServers: {
          'imported one': {
            command: process.execPath,
            args: ['-e', '0'],
            env: { GITHUB_TOKEN: `ghp_${CANARY}` },
          },
        },
      }),
    );
    for (const [name, input] of VALID) {
      const result = await run(name, input);
      const expected = EXPECTED_REFUSAL[name];
      if (expected) {
        expect(result.ok, name).toBe(false);
        if (!result.ok) expect(expected, `${name}: ${result.error.message}`).toContain(result.error.code);
      } else {
        expect(result, name).toMatchObject({ ok: true });
      }
    }
  });

  it('refuses invalid input of every command with VALIDATION naming the field, changing nothing', async () => {
    for (const [name, input] of VALID) {
      const before = snapshot();
      const error = await err(name, { ...(input as object), unexpectedField: 1 });
      expect(error.code, name).toBe('VALIDATION');
      expect(error.message, name).toContain('unexpectedField');
      expect(error.details, name).toEqual({
        issues: [{ path: ['unexpectedField'], message: expect.any(String) }],
      });
      expect(snapshot(), name).toBe(before);
    }
  });

  it('refuses wrongly typed and missing fields', async () => {
    const cases: [string, unknown, string][] = [
      ['servers.get', {}, 'prefix'],
      ['servers.get', { prefix: 42 }, 'prefix'],
      ['servers.setEnabled', { prefix: 'echo', enabled: 'yes' }, 'enabled'],
      ['variables.set', { prefix: 'echo', name: '', value: 'x' }, 'name'],
      ['settings.set', { port: 80 }, 'port'],
      ['settings.set', { notifications: 'on' }, 'notifications'],
      ['activity.list', { outcome: 'weird' }, 'outcome'],
      ['health.history', { prefix: 'echo', limit: 0 }, 'limit'],
      ['tools.call', { prefix: 'echo', tool: 'echo' }, 'arguments'],
      ['servers.list', 'not an object', '(input)'],
    ];
    for (const [name, input, field] of cases) {
      const before = snapshot();
      const error = await err(name, input);
      expect(error.code, name).toBe('VALIDATION');
      expect(error.message, name).toContain(field);
      expect(snapshot()).toBe(before);
    }
  });

  it('answers an unknown command with NOT_FOUND and never throws', async () => {
    await expect(h.dispatch('servers.nuke', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    await expect(h.dispatch('__proto__', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('servers', () => {
  it('add refuses an invalid definition with per-field issues and stores nothing', async () => {
    const before = snapshot();
    const error = await err('servers.add', {
      definition: { prefix: 'Bad Prefix', transport: 'stdio', name: 'x', command: '' },
    });
    expect(error.code).toBe('VALIDATION');
    const issues = (error.details as { issues: { path: string[] }[] }).issues;
    expect(issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['prefix', 'command']));
    expect(snapshot()).toBe(before);
  });

  it('add refuses a taken prefix with CONFLICT on the prefix field', async () => {
    const before = snapshot();
    const error = await err('servers.add', { definition: echoDefinition('echo') });
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toMatchObject({ issues: [{ path: ['prefix'] }] });
    expect(snapshot()).toBe(before);
  });

  it('get shows tools with their exposed names and enabled flags once the catalog is cached', async () => {
    const detail = await waitFor(async () => {
      const d = await ok<{ tools: { name: string; exposedName: string; enabled: boolean }[] }>(
        'servers.get',
        {
          prefix: 'echo',
        },
      );
      return d.tools.length > 0 ? d : undefined;
    });
    expect(detail.tools.find((t) => t.name === 'echo')).toMatchObject({
      exposedName: 'echo__echo',
      enabled: true,
    });
    expect(detail.tools.find((t) => t.name === 'add')).toMatchObject({ enabled: false });
    const summary = (await ok<{ prefix: string; toolCount: number }[]>('servers.list', {})).find(
      (s) => s.prefix === 'echo',
    );
    expect(summary?.toolCount).toBeGreaterThan(0);
  });

  it('setEnabled and update emit servers.changed for the prefix', async () => {
    seen.length = 0;
    await ok('servers.setEnabled', { prefix: 'echo', enabled: false });
    await ok('servers.setEnabled', { prefix: 'echo', enabled: true });
    expect(seen.filter((e) => e.event === 'servers.changed')).toEqual([
      { event: 'servers.changed', payload: { prefix: 'echo' } },
      { event: 'servers.changed', payload: { prefix: 'echo' } },
    ]);
  });

  it('parseSnippet turns a pasted entry into a definition without its secret value', async () => {
    const value = await ok<{ definitions: Record<string, unknown>[]; secretNames: string[] }>(
      'servers.parseSnippet',
      {
        text: `"github": {"command": "npx", "args": ["-y", "gh"], "env": {"GITHUB_TOKEN": "ghp_${CANARY}"}}`,
      },
    );
    expect(value.definitions).toHaveLength(1);
    expect(value.definitions[0]).toMatchObject({ prefix: 'github', transport: 'stdio', command: 'npx' });
    expect(value.secretNames).toEqual(['GITHUB_TOKEN']);
    expect(JSON.stringify(value)).not.toContain(CANARY);
  });
});

describe('variables, tools and activity', () => {
  it('variables.set reports isSet, never the value, and the server gets it', async () => {
    const state = await ok<Record<string, unknown>>('variables.set', {
      prefix: 'echo',
      name: 'CANARY_TOKEN',
      value: CANARY,
    });
    expect(state).toEqual({
      name: 'CANARY_TOKEN',
      required: false,
      secret: true,
      isSet: true,
      hasDefault: false,
    });
    // The tool echoes the environment; the window sees it redacted (by the leak guard: `[REDACTED:vault-secret]`).
    const call = await waitFor(async () => {
      const r = await run('tools.call', {
        prefix: 'echo',
        tool: 'env',
        arguments: { names: 'CANARY_TOKEN' },
      });
      return r.ok && JSON.stringify(r.value).includes('[REDACTED') ? r.value : undefined;
    });
    expect(JSON.stringify(call)).not.toContain(CANARY);
  });

  it('tools.call returns isError results and records the call as switchboard-ui', async () => {
    const result = await ok<{ isError: boolean; content: { text: string }[] }>('tools.call', {
      prefix: 'echo',
      tool: 'fail',
      arguments: { message: 'nope' },
    });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'nope' }] });
    // The same batched call log as a client's tools/call: the row lands with the next batch.
    const row = await waitFor(async () => {
      const rows = await ok<{ clientName: string; tool: string; outcome: string }[]>('activity.list', {
        server: 'echo',
        limit: 5,
      });
      return rows.find((r) => r.tool === 'fail');
    });
    expect(row).toMatchObject({ clientName: 'switchboard-ui', tool: 'fail', outcome: 'tool_error' });
    const failed = await ok<unknown[]>('activity.list', { outcome: 'tool_error' });
    expect(failed.length).toBeGreaterThan(0);
    expect(seen.some((e) => e.event === 'activity.appended')).toBe(true);
  });

  it('tools.call of a JSON-RPC error answers what a client would get: an isError result naming the cause', async () => {
    const result = await ok<{ isError: boolean; content: { text: string }[] }>('tools.call', {
      prefix: 'echo',
      tool: 'throw',
      arguments: {},
    });
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/echo rejected the call to throw: thrown on purpose/);
    const row = await waitFor(async () =>
      (await ok<{ tool: string; outcome: string }[]>('activity.list', { server: 'echo', limit: 10 })).find(
        (r) => r.tool === 'throw',
      ),
    );
    expect(row.outcome).toBe('error');
  });

  it('health.check answers with a snapshot', async () => {
    const health = await ok<{ status: string }>('health.check', { prefix: 'echo' });
    expect(['healthy', 'degraded', 'starting']).toContain(health.status);
  });

  it('commands on a missing server are NOT_FOUND', async () => {
    for (const [name, input] of [
      ['servers.get', { prefix: 'nope' }],
      ['servers.logs', { prefix: 'nope' }],
      ['variables.set', { prefix: 'nope', name: 'A', value: 'b' }],
      ['tools.setEnabled', { prefix: 'nope', tool: 'x', enabled: true }],
      ['health.history', { prefix: 'nope' }],
    ] as const) {
      expect((await err(name, input)).code, name).toBe('NOT_FOUND');
    }
  });
});

describe('settings, tokens, clients, transfer, gateway', () => {
  it('settings round-trip through the registry keys', async () => {
    const after = await ok<Record<string, unknown>>('settings.set', {
      healthIntervalSeconds: 60,
      notifications: false,
      probeIdleServers: true,
    });
    expect(after).toMatchObject({ healthIntervalSeconds: 60, notifications: false, probeIdleServers: true });
    expect(h.hub.registry.settings.get('health.intervalSeconds')).toBe(60);
    expect(h.hub.registry.settings.get('app.notifications')).toBe(false);
  });

  it('tokens are listed without values', async () => {
    const created = await ok<{ token: string }>('tokens.create', { name: 'probe' });
    const list = await ok<unknown[]>('tokens.list', {});
    expect(JSON.stringify(list)).not.toContain(created.token);
    expect((await err('tokens.create', { name: 'probe' })).code).toBe('CONFLICT');
  });

  it('clients.connect writes the entry with a per-client token, kept while it is live', async () => {
    const cursorEntry = async () =>
      (await ok<{ id: string; entry: string }[]>('clients.list', {})).find((c) => c.id === 'cursor')?.entry;
    const first = await ok<{ path: string; changed: boolean }>('clients.connect', { id: 'cursor' });
    expect(first.changed).toBe(true);
    const tokenInFile = () => /Bearer ([^"]+)/.exec(fs.readFileSync(first.path, 'utf8'))?.[1];
    const token1 = tokenInFile();
    expect(token1).toBeDefined();
    expect(await cursorEntry()).toBe('current');
    // Connecting again keeps the live token, so nothing changes.
    expect(await ok<{ changed: boolean }>('clients.connect', { id: 'cursor' })).toMatchObject({
      changed: false,
    });
    expect(tokenInFile()).toBe(token1);
    // A revoked token makes the entry outdated; connecting replaces it with a new one.
    await ok('tokens.revoke', { name: 'cursor' });
    expect(await cursorEntry()).toBe('outdated');
    expect(await ok<{ changed: boolean }>('clients.connect', { id: 'cursor' })).toMatchObject({
      changed: true,
    });
    expect(tokenInFile()).not.toBe(token1);
    expect(await cursorEntry()).toBe('current');
    const names = (await ok<{ name: string }[]>('tokens.list', {})).map((t) => t.name);
    expect(names.filter((n) => n === 'cursor')).toHaveLength(1);
    // Disconnect removes the entry and revokes the token.
    await ok('clients.disconnect', { id: 'cursor' });
    expect((await ok<{ name: string }[]>('tokens.list', {})).map((t) => t.name)).not.toContain('cursor');
  });

  it('a project file gets a token of its own; a client without one refuses projectDir', async () => {
    const project = path.join(h.home, 'work', 'my app');
    fs.mkdirSync(project, { recursive: true });
    const written = await ok<{ path: string; changed: boolean }>('clients.connect', {
      id: 'cursor',
      projectDir: project,
    });
    expect(written).toMatchObject({ path: path.join(project, '.cursor', 'mcp.json'), changed: true });
    const names = (await ok<{ name: string }[]>('tokens.list', {})).map((t) => t.name);
    expect(names).toContainEqual(expect.stringMatching(/^cursor\.my-app-[0-9a-f]{6}$/));
    const refused = await err('clients.connect', { id: 'windsurf', projectDir: project });
    expect(refused).toMatchObject({
      code: 'VALIDATION',
      details: { issues: [{ path: ['projectDir'], message: expect.any(String) }] },
    });
    await ok('clients.disconnect', { id: 'cursor', projectDir: project });
    expect(fs.existsSync(written.path)).toBe(false);
    const after = (await ok<{ name: string }[]>('tokens.list', {})).map((t) => t.name);
    expect(after.filter((n) => n.startsWith('cursor.'))).toEqual([]);
  });

  it('Claude Desktop gets the stdio bridge entry', async () => {
    const result = await ok<{ path: string }>('clients.connect', { id: 'claude-desktop' });
    const config = JSON.parse(fs.readFileSync(result.path, 'utf8')) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
    };
    expect(config.mcpServers.switchboard?.command).toBe(process.execPath);
    expect(config.mcpServers.switchboard?.args).toContain('bridge');
    const claude = (await ok<{ id: string; entry: string }[]>('clients.list', {})).find(
      (c) => c.id === 'claude-desktop',
    );
    expect(claude?.entry).toBe('current');
  });

  it('clients.import stored the imported server with its secret in the vault, never echoed', async () => {
    const prefixes = (await ok<{ prefix: string }[]>('servers.list', {})).map((s) => s.prefix);
    expect(prefixes).toContain('imported-one');
    const detail = await ok<{ variables: { name: string; isSet: boolean }[] }>('servers.get', {
      prefix: 'imported-one',
    });
    expect(detail.variables).toContainEqual(expect.objectContaining({ name: 'GITHUB_TOKEN', isSet: true }));
  });

  it('transfer export/import round-trips definitions; a bad file changes nothing', async () => {
    const { text } = await ok<{ text: string }>('transfer.export', {});
    expect(text).toContain('"echo"');
    const before = snapshot();
    expect((await err('transfer.import', { text: 'not json' })).code).toBe('VALIDATION');
    expect((await err('transfer.import', { text })).code).toBe('CONFLICT');
    expect(snapshot()).toBe(before);
  });

  it('gateway pauses and resumes (and stays listening, so the window keeps working)', async () => {
    seen.length = 0;
    expect(await ok('gateway.setPaused', { paused: true })).toMatchObject({ state: 'paused' });
    expect(await ok('gateway.status', {})).toMatchObject({ state: 'paused' });
    expect(await ok('gateway.setPaused', { paused: false })).toMatchObject({ state: 'running' });
    expect(seen.filter((e) => e.event === 'gateway.changed')).toHaveLength(2);
  });

  it('servers.remove forgets the server and announces it', async () => {
    seen.length = 0;
    await ok('servers.remove', { prefix: 'imported-one' });
    expect(h.hub.registry.servers.find('imported-one')).toBeUndefined();
    expect(seen).toContainEqual({ event: 'servers.changed', payload: { prefix: 'imported-one' } });
  });

  it("clients.import with replace moves the servers out of the client's file and announces them", async () => {
    seen.length = 0;
    const file = path.join(h.home, '.config/Claude/claude_desktop_config.json');
    expect(await ok('clients.import', { id: 'claude-desktop', replace: true })).toEqual({
      imported: ['imported-one'],
    });
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { mcpServers: Record<string, unknown> };
    expect(Object.keys(config.mcpServers)).toEqual(['switchboard']);
    expect(fs.readdirSync(path.dirname(file)).some((n) => n.includes('.switchboard-backup-'))).toBe(true);
    expect(seen.some((e) => e.event === 'servers.changed')).toBe(true);
    expect((await ok<{ add: unknown[] }>('clients.importPreview', { id: 'claude-desktop' })).add).toEqual([]);
  });
});

describe('app.info', () => {
  it('names the key store that holds the data key (this hub: the memory one), not always "the OS key store"', async () => {
    expect((await ok<{ vault: unknown }>('app.info', {})).vault).toEqual({ ok: true, keyStore: 'memory' });
  });
});

describe('the canary secret', () => {
  it('never appears in any command output or event payload', async () => {
    // Touch every read command once more after the secret is set.
    for (const name of ['servers.list', 'app.info', 'transfer.export', 'activity.list'] as const)
      await run(name, {});
    await run('servers.get', { prefix: 'echo' });
    await run('servers.logs', { prefix: 'echo' });
    await run('clients.importPreview', { id: 'claude-desktop' });
    await run('clients.previewConnect', { id: 'claude-desktop' });
    expect(outputs.length).toBeGreaterThan(60);
    for (const output of outputs) expect(JSON.stringify(output)).not.toContain(CANARY);
    expect(seen.length + EVENT_NAMES.length).toBeGreaterThan(0);
    for (const event of seen) expect(JSON.stringify(event)).not.toContain(CANARY);
  });
});
