import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { SpawnedBridge } from '../bridge/spawn-bridge.ts';
import { spawnBridge } from '../bridge/spawn-bridge.ts';
import type { DataDir, ServeProcess } from '../e2e/serve-harness.ts';
import {
  MEMORY,
  cli,
  importServers,
  prepareDataDir,
  startServe,
  stdioServer,
  stopServeAndCheck,
  survivors,
  textOf,
  toolNames,
  waitFor,
} from '../e2e/serve-harness.ts';

/**
 * Issue 13 acceptance, profiles: the REAL `switchboard serve` with the echo fixture and server-memory from npm; two
 * client tokens bound (with the real CLI, in another process) to two profiles see different tools over /mcp,
 * /mcp/<prefix> and the stdio bridge; a call outside the profile is refused with a clear error; moving a client to
 * another profile tells its open session (list_changed) and nobody else's; a server outside a client's profile
 * lends it none of its prompts and resources either (refused by URI and name, naming the profile and the fix).
 */

const installed = fs.existsSync(MEMORY);

let data: DataDir;
let serve: ServeProcess;
let betaToken = '';
const bridges: SpawnedBridge[] = [];
const call = (client: Client, name: string, args: Record<string, unknown> = {}) =>
  client.request({ method: 'tools/call', params: { name, arguments: args } });

describe.skipIf(!installed)('profiles against the real serve', () => {
  beforeAll(async () => {
    data = await prepareDataDir([], 'alpha');
    await importServers(data.dir, [
      stdioServer('echo', FIXTURES.echo, { args: ['--instructions=echo: repeats what you give it'] }),
      stdioServer('memory', MEMORY, { env: { MEMORY_FILE_PATH: path.join(data.dir, 'memory.jsonl') } }),
    ]);
    betaToken = (await cli(data.dir, ['token', 'create', 'beta'])).stdout.trim();
    await cli(data.dir, ['profile', 'create', 'echo-only', '--include', 'echo']);
    await cli(data.dir, ['profile', 'create', 'memory-only', '--include', 'memory']);
    await cli(data.dir, ['profile', 'use', 'alpha', 'echo-only']);
    await cli(data.dir, ['profile', 'use', 'beta', 'memory-only']);
    await cli(data.dir, ['profile', 'use', 'bridge', 'memory-only']);
    serve = await startServe(data);
    // Both catalogs are known once a default-profile view would list them: wait through a client of each profile.
    const alpha = await serve.connect();
    const beta = await serve.connect({ token: betaToken });
    await waitFor(
      'the echo tools for alpha',
      async () => ((await toolNames(alpha)).includes('echo__echo') ? true : undefined),
      30_000,
    );
    await waitFor(
      'the memory tools for beta',
      async () => ((await toolNames(beta)).includes('memory__read_graph') ? true : undefined),
      30_000,
    );
    await alpha.close();
    await beta.close();
  }, 120_000);

  afterAll(async () => {
    const pids = bridges.map((b) => b.transport.pid).filter((p): p is number => typeof p === 'number');
    await Promise.all(bridges.splice(0).map((b) => b.client.close().catch(() => {})));
    await stopServeAndCheck(serve, data, { check: async () => expect(await survivors(pids)).toEqual([]) });
  }, 60_000);

  it('two tokens bound to two profiles see different tools on /mcp', async () => {
    const alpha = await serve.connect();
    const beta = await serve.connect({ token: betaToken });
    const a = await toolNames(alpha);
    const b = await toolNames(beta);
    expect(a.length).toBeGreaterThan(0);
    expect(a.every((n) => n.startsWith('echo__'))).toBe(true);
    expect(b.every((n) => n.startsWith('memory__'))).toBe(true);
    expect(b).toContain('memory__create_entities');
    expect(textOf(await call(alpha, 'echo__echo', { text: 'inside' }))).toBe('inside');
    await alpha.close();
    await beta.close();
  }, 60_000);

  it('refuses a tool outside the profile with a clear error, on /mcp and on /mcp/<prefix>', async () => {
    const alpha = await serve.connect();
    const refused = (await call(alpha, 'memory__read_graph')) as { isError?: boolean };
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe(
      'memory__read_graph is not in this client\'s profile "echo-only": add it to that profile in Switchboard ' +
        '(Profiles) or run `switchboard profile edit echo-only --include memory/read_graph`, or move the client ' +
        'to another profile: `switchboard profile use <client> <profile>`',
    );
    await alpha.close();

    const onMemory = await serve.connect({ prefix: 'memory' });
    expect(await toolNames(onMemory)).toEqual([]);
    const viaRoute = (await call(onMemory, 'read_graph')) as { isError?: boolean };
    expect(viaRoute.isError).toBe(true);
    expect(textOf(viaRoute)).toMatch(/^The server memory is not in this client's profile "echo-only"/);
    await onMemory.close();

    const onEcho = await serve.connect({ prefix: 'echo' });
    expect(onEcho.getInstructions()).toBe('echo: repeats what you give it');
    expect(await toolNames(onEcho)).toContain('echo');
    expect(textOf(await call(onEcho, 'add', { a: 2, b: 3 }))).toBe('5');
    await onEcho.close();

    const betaOnEcho = await serve.connect({ prefix: 'echo', token: betaToken });
    expect(await toolNames(betaOnEcho)).toEqual([]);
    await betaOnEcho.close();
  }, 60_000);

  it('the stdio bridge stays inside its own profile', async () => {
    const bridge = spawnBridge({ dataDir: data.dir });
    bridges.push(bridge);
    await bridge.client.connect(bridge.transport);
    const names = await toolNames(bridge.client);
    expect(names).toContain('memory__read_graph');
    expect(names.some((n) => n.startsWith('echo__'))).toBe(false);
    const refused = (await call(bridge.client, 'echo__echo', { text: 'x' })) as { isError?: boolean };
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^echo__echo is not in this client's profile "memory-only"/);
  }, 60_000);

  it('a server outside the profile lends none of its prompts or resources, on /mcp, /mcp/<prefix> and the bridge', async () => {
    const refusal = async (request: Promise<unknown>) =>
      request.then(
        () => 'answered',
        (error: Error & { code?: unknown }) => `${String(error.code)} ${error.message}`,
      );
    const read = (client: Client, uri: string) =>
      client.request({ method: 'resources/read', params: { uri } });
    const prompts = async (client: Client) =>
      (
        (await client.request({ method: 'prompts/list', params: {} })) as { prompts: { name: string }[] }
      ).prompts.map((p) => p.name);
    const resources = async (client: Client) =>
      (
        (await client.request({ method: 'resources/list', params: {} })) as { resources: { uri: string }[] }
      ).resources.map((r) => r.uri);

    // alpha's profile holds echo: its prompt and resource are there.
    const alpha = await serve.connect();
    expect(await prompts(alpha)).toContain('echo__greet');
    expect(await resources(alpha)).toContain('switchboard://echo/mem://greeting');
    await alpha.close();

    const beta = await serve.connect({ token: betaToken });
    expect((await prompts(beta)).some((n) => n.startsWith('echo__'))).toBe(false);
    expect((await resources(beta)).some((u) => u.startsWith('switchboard://echo/'))).toBe(false);
    expect(await refusal(read(beta, 'switchboard://echo/mem://greeting'))).toBe(
      "-32602 The resource switchboard://echo/mem://greeting is not in this client's profile " +
        '"memory-only": add its server, echo, to that profile in Switchboard (Profiles) or run ' +
        '`switchboard profile edit memory-only --include echo`, or move the client to another profile: ' +
        '`switchboard profile use <client> <profile>`',
    );
    expect(
      await refusal(
        beta.request({ method: 'prompts/get', params: { name: 'echo__greet', arguments: { name: 'x' } } }),
      ),
    ).toMatch(/^-32602 The prompt echo__greet is not in this client's profile "memory-only"/);
    await beta.close();

    const betaOnEcho = await serve.connect({ prefix: 'echo', token: betaToken });
    expect(betaOnEcho.getInstructions()).toBeUndefined();
    expect(await prompts(betaOnEcho)).toEqual([]);
    expect(await resources(betaOnEcho)).toEqual([]);
    expect(await refusal(read(betaOnEcho, 'mem://greeting'))).toMatch(
      /^-32602 The server echo is not in this client's profile "memory-only": .*--include echo`/,
    );
    await betaOnEcho.close();

    const bridge = spawnBridge({ dataDir: data.dir });
    bridges.push(bridge);
    await bridge.client.connect(bridge.transport);
    expect((await prompts(bridge.client)).some((n) => n.startsWith('echo__'))).toBe(false);
    expect(await refusal(read(bridge.client, 'switchboard://echo/mem://greeting'))).toMatch(
      /^-32602 The resource switchboard:\/\/echo\/mem:\/\/greeting is not in this client's profile "memory-only"/,
    );
  }, 60_000);

  it('moving a client to another profile sends list_changed to its open session only', async () => {
    const heard = { alpha: 0, beta: 0 };
    const alpha = await serve.connect({
      setup: (c) => c.setNotificationHandler('notifications/tools/list_changed', () => void heard.alpha++),
    });
    const beta = await serve.connect({
      token: betaToken,
      setup: (c) => c.setNotificationHandler('notifications/tools/list_changed', () => void heard.beta++),
    });
    expect((await toolNames(alpha)).every((n) => n.startsWith('echo__'))).toBe(true);
    await toolNames(beta);

    await cli(data.dir, ['profile', 'use', 'alpha', 'memory-only']);
    await waitFor('alpha to hear list_changed', async () => (heard.alpha > 0 ? true : undefined), 20_000);
    const now = await toolNames(alpha);
    expect(now).toContain('memory__read_graph');
    expect(now.some((n) => n.startsWith('echo__'))).toBe(false);
    expect(heard.beta).toBe(0);
    await alpha.close();
    await beta.close();
    await cli(data.dir, ['profile', 'use', 'alpha', 'echo-only']);
  }, 60_000);
});
