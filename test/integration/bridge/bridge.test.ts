import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubProofRoute } from '../../../main/bridge/hub-proof.ts';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { createFakeCore, startTestGateway } from '../../helpers/gateway-harness.ts';
import type { SpawnedBridge } from './spawn-bridge.ts';
import { spawnBridge } from './spawn-bridge.ts';

const gateways: TestGateway[] = [];
const bridges: SpawnedBridge[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const bridge of bridges.splice(0)) await bridge.client.close().catch(() => {});
  for (const gw of gateways.splice(0)) await gw.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bridge-'));
  dirs.push(dir);
  return dir;
}
/** The real HTTP front with the hub-proof route the runtime mounts (the bridge talks to nothing else). */
async function gateway(dir: string, port = 0, core?: ReturnType<typeof createFakeCore>) {
  let bound = port;
  const gw = await startTestGateway({
    dataDir: dir,
    port,
    ...(core && { core }),
    routes: [createHubProofRoute({ dataDir: dir, port: () => bound })],
  });
  bound = gw.port;
  gateways.push(gw);
  return gw;
}
function bridge(options: Parameters<typeof spawnBridge>[0]) {
  const b = spawnBridge(options);
  bridges.push(b);
  return b;
}
const text = (result: unknown) => (result as { content: { text: string }[] }).content[0]!.text;

describe('switchboard bridge (stdio ⇄ gateway)', () => {
  it('lists and calls tools for an SDK client speaking stdio', async () => {
    const dir = dataDir();
    await gateway(dir);
    const b = bridge({ dataDir: dir });
    await b.client.connect(b.transport);
    expect(b.client.getServerVersion()?.name).toBe('fake-core');
    expect((await b.client.listTools()).tools.map((t) => t.name)).toEqual(['fake__echo', 'fake__slow']);
    // Progress is relayed too (see relay.test.ts); not asserted here: when a progress notification and its
    // result arrive in one stdout chunk, the SDK Client handles the response first (notifications are
    // dispatched a microtask later) and drops the progress as "unknown token".
    const result = await b.client.callTool({ name: 'fake__echo', arguments: { text: 'via bridge' } });
    expect(text(result)).toBe('fake__echo(via bridge) era=legacy scope=all caller=bridge');
  });

  it('relays one server with --server, with its original names', async () => {
    const dir = dataDir();
    await gateway(dir);
    const b = bridge({ dataDir: dir, server: 'fake' });
    await b.client.connect(b.transport);
    expect((await b.client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'slow']);
    expect(text(await b.client.callTool({ name: 'echo', arguments: { text: 'one' } }))).toContain(
      'scope=server:fake',
    );
  });

  it('speaks the 2026-07-28 era end to end for a client that negotiates it', async () => {
    const dir = dataDir();
    await gateway(dir);
    const b = bridge({ dataDir: dir, mode: 'auto' });
    await b.client.connect(b.transport);
    expect(b.client.getProtocolEra()).toBe('modern');
    expect(text(await b.client.callTool({ name: 'fake__echo', arguments: { text: 'new' } }))).toContain(
      'era=modern',
    );
  });

  it('relays list_changed notifications from the gateway', async () => {
    const dir = dataDir();
    const gw = await gateway(dir);
    const b = bridge({ dataDir: dir });
    let changed = false;
    b.client.setNotificationHandler('notifications/tools/list_changed', () => void (changed = true));
    await b.client.connect(b.transport);
    await b.client.listTools();
    for (let i = 0; i < 100 && !changed; i++) {
      gw.core.fireToolsChanged();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(changed).toBe(true);
  });

  it('waits for a gateway started after it, with one message on stderr', async () => {
    const dir = dataDir();
    const b = bridge({ dataDir: dir, wait: 20 });
    const connecting = b.client.connect(b.transport);
    // Started once the bridge says it waits (its own start may take seconds on a loaded machine).
    for (let i = 0; i < 300 && !/waiting for Switchboard/.test(b.stderr()); i++)
      await new Promise((r) => setTimeout(r, 50));
    await gateway(dir);
    await connecting;
    expect((await b.client.listTools()).tools.map((t) => t.name)).toEqual(['fake__echo', 'fake__slow']);
    expect(b.stderr().match(/waiting for Switchboard/g), b.stderr()).toHaveLength(1);
    expect(b.stderr()).toContain('start the Switchboard app or run `switchboard serve`');
  });

  it('answers with a clear error when the gateway never comes up', async () => {
    const dir = dataDir();
    const b = bridge({ dataDir: dir, wait: 1 });
    const error = await b.client.connect(b.transport).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/Switchboard is not running/);
  });

  it('re-initializes transparently when the gateway restarts', async () => {
    const dir = dataDir();
    const first = await gateway(dir);
    const b = bridge({ dataDir: dir });
    await b.client.connect(b.transport);
    expect(text(await b.client.callTool({ name: 'fake__echo', arguments: { text: 'before' } }))).toContain(
      'before',
    );
    const port = first.port;
    await first.close();
    gateways.splice(gateways.indexOf(first), 1);
    const second = await gateway(dir, port, createFakeCore());
    expect(text(await b.client.callTool({ name: 'fake__echo', arguments: { text: 'after' } }))).toContain(
      'after',
    );
    expect(second.core.created.legacy).toBe(1);
  });

  it('exits when its stdin closes', async () => {
    const dir = dataDir();
    await gateway(dir);
    const b = bridge({ dataDir: dir });
    await b.client.connect(b.transport);
    const started = Date.now();
    await b.client.close(); // ends stdin; the SDK escalates to SIGTERM only after 2 s
    await b.exited;
    expect(Date.now() - started).toBeLessThan(1_900);
  });
});
