import { afterEach, describe, expect, it } from 'vitest';
import { gatewayInfoPath, writeGatewayInfo } from '../../../main/gateway/http/gateway-info-file.ts';
import { openHub } from '../../../main/hub.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { ensureBridgeToken } from '../../../main/tokens/bridge-token.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { runCli } from '../../helpers/cli.ts';
import { isolatedEnv, noKeyringEnv } from '../../helpers/private-keyring.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { TestHub } from '../readiness/readiness-hub.ts';
import { startTestHub } from '../readiness/readiness-hub.ts';
import type { RelaySquatter, Squatter } from './fixtures/squatter.ts';
import { startRelaySquatter, startSquatter } from './fixtures/squatter.ts';
import type { SpawnedBridge } from './spawn-bridge.ts';
import { spawnBridge } from './spawn-bridge.ts';

/**
 * Issue 12.1 with REAL processes: the `switchboard bridge` and `switchboard auth connect` an AI client or a
 * person runs, a real second listener on the port that plays Switchboard (or relays to the real hub on
 * another port), and the real hub runtime. The listeners record every request; no token may reach them.
 * Only counts are asserted and printed, never a token.
 */

const PASSPHRASE = 'squatter-test-passphrase';
const env = isolatedEnv({
  ...noKeyringEnv(),
  SWITCHBOARD_VAULT_PASSPHRASE: PASSPHRASE,
  SWITCHBOARD_NO_BROWSER: '1',
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
}, 30_000);

async function squatter(port = 0): Promise<Squatter> {
  const s = await startSquatter(port);
  cleanups.push(() => s.close());
  return s;
}
async function relay(targetPort: number): Promise<RelaySquatter> {
  const r = await startRelaySquatter(targetPort);
  cleanups.push(() => r.close());
  return r;
}
function bridge(options: Parameters<typeof spawnBridge>[0] & { port?: number }): SpawnedBridge {
  const b = spawnBridge(options);
  cleanups.push(() => b.client.close().catch(() => {}));
  return b;
}
async function hub(): Promise<TestHub> {
  const h = await startTestHub({ health: false });
  cleanups.push(() => h.close());
  return h;
}
/** gateway.json left by a hub that crashed; the port it names was taken by the squatter since. */
function staleInfo(dir: string, port: number): void {
  writeGatewayInfo(gatewayInfoPath(dir), { port, pid: 2 ** 22 + 1, startedAt: new Date(0).toISOString() });
}
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('switchboard bridge never hands its token to another program on the port', () => {
  it('hub stopped, gateway.json stale: the client is told, the squatter gets no token', async () => {
    const dir = makeTempDir('squat-bridge');
    const token = ensureBridgeToken(dir);
    const s = await squatter();
    staleInfo(dir, s.port);
    const b = bridge({ dataDir: dir, wait: 2 });
    const error = await failureOf(b.client.connect(b.transport));
    expect(error?.message).toMatch(new RegExp(`port ${s.port}.*is not this Switchboard`));
    expect(b.stderr()).toMatch(/not this Switchboard/);
    expect(s.requests.length).toBeGreaterThan(0);
    expect(s.requests.every((r) => r.path === '/hub-proof')).toBe(true);
    expect(s.withAuthorization()).toBe(0);
    expect(s.carrying(token)).toBe(0);
  });

  it('a squatter relaying to the real hub on another port gets no token through', async () => {
    const h = await hub();
    const token = ensureBridgeToken(h.dataDir);
    const r = await relay(h.runtime.front()!.port);
    const b = bridge({ dataDir: h.dataDir, port: r.port, wait: 2 });
    const error = await failureOf(b.client.connect(b.transport));
    expect(error?.message).toMatch(/is not this Switchboard/);
    expect(r.connections()).toBeGreaterThan(0);
    expect(r.saw(token)).toBe(false);
  });

  it('connected to the real hub; the hub stops and a squatter takes its port: no token reaches it', async () => {
    const h = await hub();
    const token = ensureBridgeToken(h.dataDir);
    const port = h.runtime.front()!.port;
    const b = bridge({ dataDir: h.dataDir, port, wait: 2 });
    await b.client.connect(b.transport);
    expect((await b.client.listTools()).tools).toEqual([]);
    await h.close();
    const s = await squatter(port);
    const error = await failureOf(b.client.listTools());
    expect(error?.message).toMatch(/not running on port|not this Switchboard/);
    expect(s.withAuthorization()).toBe(0);
    expect(s.carrying(token)).toBe(0);
    // The squatter leaves and the real hub comes back on the port: the bridge carries on.
    await s.close();
    const again = openHub({
      dataDir: h.dataDir,
      env: {},
      keyProviders: [createMemoryKeyProviderForTests()],
      log: silentLogger,
    });
    cleanups.push(() => again.close());
    await again.start({ port, health: false, watchRegistry: false });
    expect((await b.client.listTools()).tools).toEqual([]);
  });
});

describe('switchboard auth connect never hands the bridge token to another program on the port', () => {
  it('a squatter on the configured port (hub stopped, gateway.json stale): refused, no token sent', async () => {
    const dir = makeTempDir('squat-auth');
    const s = await squatter();
    const setup = openHub({ dataDir: dir, env, log: silentLogger });
    setup.registry.settings.set('gateway.port', s.port);
    setup.registry.servers.add({
      prefix: 'notes',
      name: 'Notes',
      transport: 'http',
      url: 'http://127.0.0.1:9/mcp',
      auth: { kind: 'oauth', flow: 'authorization_code' },
    });
    await setup.close();
    const token = ensureBridgeToken(dir);
    staleInfo(dir, s.port);
    const run = await runCli(dir, ['auth', 'connect', 'notes'], { env, timeoutMs: 60_000 });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(new RegExp(`port ${s.port} is not this Switchboard`));
    expect(run.stderr).not.toContain('evil.example');
    expect(s.withAuthorization()).toBe(0);
    expect(s.carrying(token)).toBe(0);
  });
});
