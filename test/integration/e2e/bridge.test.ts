import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { SpawnedBridge } from '../bridge/spawn-bridge.ts';
import { spawnBridge } from '../bridge/spawn-bridge.ts';
import type { DataDir, ServeProcess } from './serve-harness.ts';
import {
  prepareDataDir,
  sleep,
  startServe,
  stdioServer,
  survivors,
  textOf,
  waitFor,
  leftoverChildren,
} from './serve-harness.ts';

/**
 * Acceptance 5: `switchboard bridge` (stdio ↔ gateway) against the REAL `switchboard serve` of the same data
 * directory: an SDK client over stdio lists and calls tools; a bridge started BEFORE serve connects once it is up.
 */

let data: DataDir | undefined;
let serve: ServeProcess | undefined;
const bridges: SpawnedBridge[] = [];

afterEach(async () => {
  const pids = bridges.map((b) => b.transport.pid).filter((p): p is number => p !== null && p !== undefined);
  await Promise.all(bridges.splice(0).map((b) => b.client.close().catch(() => {})));
  const stopped = await serve?.stop();
  serve = undefined;
  data?.cleanup();
  data = undefined;
  expect(stopped?.survivors ?? []).toEqual([]);
  expect(await survivors(pids)).toEqual([]);
  expect(await leftoverChildren()).toEqual([]);
}, 30_000);

const echoes = (text: string) => ({ name: 'echo__echo', arguments: { text } });

describe('bridge against the real serve', () => {
  it('lists and calls tools for an SDK client speaking stdio (aggregate and --server)', async () => {
    data = await prepareDataDir([stdioServer('echo', FIXTURES.echo)]);
    serve = await startServe(data);

    const all = spawnBridge({ dataDir: data.dir });
    bridges.push(all);
    await all.client.connect(all.transport);
    const names = await waitFor('the echo tools through the bridge', async () => {
      const listed = (await all.client.request({ method: 'tools/list', params: {} })) as {
        tools: { name: string }[];
      };
      const n = listed.tools.map((t) => t.name);
      return n.includes('echo__echo') ? n : undefined;
    });
    expect(names).toContain('echo__add');
    expect(textOf(await all.client.callTool(echoes('via the bridge')))).toBe('via the bridge');

    const single = spawnBridge({ dataDir: data.dir, server: 'echo', mode: 'auto' });
    bridges.push(single);
    await single.client.connect(single.transport);
    expect(single.client.getProtocolEra()).toBe('modern');
    const own = (await single.client.listTools()).tools.map((t) => t.name);
    expect(own).toContain('echo');
    expect(own).not.toContain('echo__echo');
    const added = await single.client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    expect(textOf(added)).toBe('42');
  }, 60_000);

  it('a bridge started before serve connects once serve is up', async () => {
    data = await prepareDataDir([stdioServer('echo', FIXTURES.echo)]);
    const early = spawnBridge({ dataDir: data.dir, wait: 30 });
    bridges.push(early);
    // The client's initialize waits inside the bridge until a gateway answers.
    const connecting = early.client.connect(early.transport);
    await waitFor(
      'the bridge to say it is waiting',
      () => /waiting for Switchboard/.test(early.stderr()),
      15_000,
    );
    await sleep(300);
    serve = await startServe(data);
    await connecting;
    const result = await waitFor('a call through the late gateway', async () => {
      const r = await early.client.callTool(echoes('late but here'));
      return r.isError ? undefined : r;
    });
    expect(textOf(result)).toBe('late but here');
    expect(early.stderr()).toMatch(/connected to Switchboard/);
  }, 60_000);
});
