import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { DataDir, ServeProcess } from './serve-harness.ts';
import {
  cli,
  prepareDataDir,
  startServe,
  stdioServer,
  textOf,
  toolNames,
  waitFor,
  waitForTools,
  stopServeAndCheck,
} from './serve-harness.ts';

/**
 * Acceptance 6: a server added (and removed, disabled) with the CLI — ANOTHER process — while `switchboard serve`
 * runs. The running hub notices commits by other processes (main/registry/change-watcher.ts polls SQLite's
 * data_version) and reconciles: the new server's tools appear, connected clients hear tools/list_changed.
 */

let data: DataDir;
let serve: ServeProcess;
let client: Client;
let changes = 0;

beforeAll(async () => {
  data = await prepareDataDir([stdioServer('first', FIXTURES.echo)]);
  serve = await startServe(data);
  client = await serve.connect({
    setup: (c) => c.setNotificationHandler('notifications/tools/list_changed', () => void (changes += 1)),
  });
  await waitForTools(client, ['first__echo']);
}, 60_000);

afterAll(() => stopServeAndCheck(serve, data), 30_000);

describe('servers changed by the CLI while serve runs', () => {
  it('a newly added working server becomes callable, and clients are told', async () => {
    const before = changes;
    await cli(data.dir, ['server', 'add', 'late', '--', process.execPath, FIXTURES.echo]);
    // Bounded: the watcher polls twice a second, then the server is spawned and its catalog read.
    await waitForTools(client, ['late__echo'], 15_000);
    expect(textOf(await client.callTool({ name: 'late__echo', arguments: { text: 'ready' } }))).toBe('ready');
    await waitFor('tools/list_changed for the new server', () => changes > before, 5000);
    const listed = JSON.parse((await cli(data.dir, ['--json', 'server', 'list'])).stdout) as {
      prefix: string;
    }[];
    expect(listed.map((s) => s.prefix)).toEqual(expect.arrayContaining(['first', 'late']));
  }, 30_000);

  it('a disabled server leaves the aggregate; enabled again, it returns', async () => {
    await cli(data.dir, ['server', 'disable', 'late']);
    await waitFor(
      'late__echo to disappear',
      async () => !(await toolNames(client)).includes('late__echo'),
      10_000,
    );
    await cli(data.dir, ['server', 'enable', 'late']);
    await waitForTools(client, ['late__echo'], 15_000);
    expect(textOf(await client.callTool({ name: 'late__echo', arguments: { text: 'back' } }))).toBe('back');
  }, 30_000);

  it('a removed server leaves the aggregate and its process stops', async () => {
    const pid = Number(textOf(await client.callTool({ name: 'late__pid', arguments: {} })));
    expect(pid).toBeGreaterThan(0);
    await cli(data.dir, ['server', 'remove', 'late']);
    await waitFor(
      'late__echo to disappear',
      async () => !(await toolNames(client)).includes('late__echo'),
      10_000,
    );
    const { alive } = await import('./serve-harness.ts');
    await waitFor('the removed server process to stop', () => !alive(pid), 10_000);
    expect(textOf(await client.callTool({ name: 'first__echo', arguments: { text: 'unaffected' } }))).toBe(
      'unaffected',
    );
  }, 30_000);
});
