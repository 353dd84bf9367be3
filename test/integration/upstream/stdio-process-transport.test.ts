import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import { listGroupMembers } from '../../../main/upstream/process-identity.ts';
import { groupIsAlive } from '../../../main/upstream/process-tree.ts';
import type { ExitInfo } from '../../../main/upstream/stdio-process-transport.ts';
import { StdioProcessTransport } from '../../../main/upstream/stdio-process-transport.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';

const posix = process.platform !== 'win32';
const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir() };
const open: Client[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => {})));
});

async function connect(
  file: string,
  args: string[] = [],
  extra: Partial<ConstructorParameters<typeof StdioProcessTransport>[0]> = {},
) {
  const garbage: string[] = [];
  const stderr: string[] = [];
  const exits: ExitInfo[] = [];
  const transport = new StdioProcessTransport({
    command: process.execPath,
    args: [file, ...args],
    env,
    onGarbageLine: (l) => garbage.push(l),
    onStderrLine: (l) => stderr.push(l),
    onExit: (i) => exits.push(i),
    ...extra,
  });
  const client = new Client({ name: 'test', version: '1' });
  open.push(client);
  await client.connect(transport);
  return { client, transport, garbage, stderr, exits };
}

const call = (client: Client, name: string, args: Record<string, unknown> = {}) =>
  client.request({ method: 'tools/call', params: { name, arguments: args } }) as Promise<{
    content: { text: string }[];
  }>;

describe('StdioProcessTransport', () => {
  it('skips and reports lines that are not JSON-RPC', async () => {
    const { client, garbage } = await connect(FIXTURES.garbageStdout);
    const result = await call(client, 'echo', { text: 'still works' });
    expect(result.content[0]?.text).toBe('still works');
    expect(garbage).toEqual([
      'Welcome to garbage-server v1.0!',
      '{"not": "json-rpc"}',
      'debug: echo called with still works',
    ]);
  });

  it('gives the child only the environment it was given', async () => {
    process.env.SB_TEST_HUB_SECRET = 'should-not-leak';
    try {
      const { client } = await connect(FIXTURES.echo);
      const result = await call(client, 'env', { names: 'SB_TEST_HUB_SECRET,HOME' });
      const seen = JSON.parse(result.content[0]?.text ?? '{}');
      expect(seen.present).toEqual({ SB_TEST_HUB_SECRET: null, HOME: os.tmpdir() });
    } finally {
      delete process.env.SB_TEST_HUB_SECRET;
    }
  });

  it.runIf(posix)('kills the whole process group on close, grandchildren included', async () => {
    const { client, transport, exits } = await connect(FIXTURES.slow, ['--grandchild']);
    const grandchild = Number((await call(client, 'grandchild')).content[0]?.text);
    const pgid = transport.pid as number;
    expect(grandchild).toBeGreaterThan(0);
    expect(listGroupMembers(pgid)).toEqual(expect.arrayContaining([pgid, grandchild]));
    const started = Date.now();
    await client.close();
    // Generous bound (a loaded 2-core machine): speed is measured in bench/, never asserted in tests.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(groupIsAlive(pgid)).toBe(false);
    expect(exits[0]?.requested).toBe(true);
  });

  it.runIf(posix)('reports a crash at once and reaps what the leader left', async () => {
    const { client, transport, exits } = await connect(FIXTURES.slow, ['--grandchild']);
    const pgid = transport.pid as number;
    await call(client, 'grandchild');
    const closed = new Promise<number>((resolve) => {
      client.onclose = () => resolve(Date.now());
    });
    const pending = call(client, 'hang').then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const killedAt = Date.now();
    process.kill(pgid, 'SIGKILL');
    expect(await pending).toMatch(/closed/i);
    // Generous bound (a loaded 2-core machine): speed is measured in bench/, never asserted in tests.
    expect((await closed) - killedAt).toBeLessThan(20_000);
    expect(exits[0]).toMatchObject({ signal: 'SIGKILL', requested: false });
    for (let i = 0; i < 40 && groupIsAlive(pgid); i++) await new Promise((r) => setTimeout(r, 25));
    expect(groupIsAlive(pgid)).toBe(false);
  });

  it('fails to start with an actionable message for a missing command or folder', async () => {
    const missing = new StdioProcessTransport({ command: 'definitely-not-a-command-sb', args: [], env });
    await expect(missing.start()).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof SwitchboardError &&
        e.code === 'UPSTREAM_UNAVAILABLE' &&
        /command not found on PATH/.test(e.message),
    );
    const dir = path.join(os.tmpdir(), 'sb-no-such-dir-xyz');
    const badCwd = new StdioProcessTransport({ command: process.execPath, args: [], env, cwd: dir });
    await expect(badCwd.start()).rejects.toThrow(/working folder .* does not exist/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('collects stderr lines', async () => {
    const { client, stderr } = await connect(FIXTURES.crashing);
    await call(client, 'crash').catch(() => {});
    for (let i = 0; i < 40 && !stderr.includes('about to crash'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(stderr).toContain('about to crash');
  });
});
