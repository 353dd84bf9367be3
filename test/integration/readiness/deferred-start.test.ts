import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hub } from '../../../main/hub.ts';
import { removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { TestHub } from './readiness-hub.ts';
import { startTestHub } from './readiness-hub.ts';

/**
 * docs/decisions/cold-start.md: the hub listens before it builds the gateway core (pins, leak guard, profiles,
 * first-listing gate) and before it syncs the pool or starts health checks; those follow on the next turn of the
 * event loop. A request that comes first builds the core on the spot; a hub closed first never starts them.
 */

const FIXTURE = fileURLToPath(new URL('../../fixtures/readiness/readiness-server.ts', import.meta.url));

vi.setConfig({ testTimeout: 60_000 });

let running: TestHub | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  removeTempDirs();
});

function addNewServer(hub: Hub): void {
  // Generous: the login shell asked for the PATH may take seconds on a busy machine.
  hub.registry.settings.set('gateway.firstListWaitSeconds', 30);
  hub.registry.servers.add({
    prefix: 'fresh',
    name: 'fresh',
    transport: 'stdio',
    command: process.execPath,
    args: [FIXTURE, '--marker=fresh'],
  });
}

/** Past the check phase in which the runtime's deferred start runs. */
const nextTurns = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
};

describe('the start after listening', () => {
  it('builds the core for a request that comes before it, once', async () => {
    running = await startTestHub({ before: addNewServer });
    const { core } = running.runtime;
    expect(core.current()).toBeUndefined();
    expect(core.hasServer('fresh')).toBe(true);
    const built = core.current();
    expect(built).toBeDefined();
    await nextTurns();
    expect(core.current()).toBe(built);
    // And the deferred start went on: the new server is met and listed.
    const client = await running.client();
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('fresh__env');
  });

  it('never runs for a hub closed before it: no core, no upstream start', async () => {
    running = await startTestHub({ before: addNewServer });
    const { runtime, logs } = running;
    const states: string[] = [];
    runtime.pool.on('state', ({ prefix, state }) => states.push(`${prefix}:${state}`));
    await running.close();
    running = undefined;
    await nextTurns();
    expect(runtime.core.current()).toBeUndefined();
    expect(states.filter((s) => s.endsWith(':starting'))).toEqual([]);
    expect(logs.join('\n')).not.toMatch(/could not build the gateway core/);
  });
});
