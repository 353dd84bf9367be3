import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { TestHub } from './readiness-hub.ts';
import { startTestHub } from './readiness-hub.ts';

/**
 * Issue 11: a client that connected as the hub started listed 0 tools (a second listing a second later had them),
 * and many clients never list again. The first listings now wait, bounded, for servers the hub never listed.
 */

const FIXTURE = fileURLToPath(new URL('../../fixtures/readiness/readiness-server.ts', import.meta.url));
// The new server takes a while to list: far longer than a listing that does not wait would take.
const SLOW_LIST = { LIST_DELAY_MS: '3000' };

vi.setConfig({ testTimeout: 90_000 });

let running: TestHub | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  removeTempDirs();
});

async function hubWithNewServer(waitSeconds: number): Promise<TestHub> {
  return startTestHub({
    before(hub) {
      hub.registry.settings.set('gateway.firstListWaitSeconds', waitSeconds);
      hub.registry.servers.add({
        prefix: 'fresh',
        name: 'fresh',
        transport: 'stdio',
        command: process.execPath,
        args: [FIXTURE, '--marker=fresh'],
        env: SLOW_LIST,
      });
    },
  });
}

describe('the first listing after start', () => {
  it('waits for a server the hub never listed: the very first tools/list has its tools', async () => {
    running = await hubWithNewServer(30);
    const client = await running.client();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('fresh__env');
    // Later listings answer from the cache at once (nothing is awaited any more).
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('fresh__env');
  });

  it('answers at once with what is known when the wait is switched off (0)', async () => {
    running = await hubWithNewServer(0);
    const client = await running.client();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).not.toContain('fresh__env');
  });

  it('never waits for a server that cannot start: the listing comes back before the bound', async () => {
    running = await startTestHub({
      before(hub) {
        hub.registry.settings.set('gateway.firstListWaitSeconds', 60);
        hub.registry.servers.add({
          prefix: 'broken',
          name: 'broken',
          transport: 'stdio',
          command: '/nonexistent/switchboard-no-such-command',
        });
      },
    });
    const client = await running.client();
    // A failed start settles the wait; the 60 s bound would exceed this test's own timeout of 30 s.
    const listed = await Promise.race([
      client.listTools().then((r) => r.tools.length),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref()),
    ]);
    expect(listed).toBe(0);
  });
});
