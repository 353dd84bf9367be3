import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridgeTarget } from '../../../main/bridge/bridge-target.ts';
import { runBridge } from '../../../main/bridge/run-bridge.ts';
import { probeGateway } from '../../../main/bridge/wait-for-gateway.ts';
import { signInPlace } from '../../../main/cli/auth-hub.ts';
import { gatewayInfoPath, writeGatewayInfo } from '../../../main/gateway/http/gateway-info-file.ts';
import { openHub } from '../../../main/hub.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { connectThroughRunningHub } from '../../../main/oauth/remote-connect.ts';
import { ensureBridgeToken } from '../../../main/tokens/bridge-token.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import type { Squatter } from '../../integration/bridge/fixtures/squatter.ts';
import { startSquatter } from '../../integration/bridge/fixtures/squatter.ts';

/**
 * Issue 12.1, in process: a program of another local user holds the gateway port and plays Switchboard
 * (`/healthz` says "switchboard"). Nothing of ours may send it the bridge token — the bridge's probe, its
 * upstream transport, and `auth connect`'s hand-over to a running hub all authenticate the hub FIRST.
 * Tokens are never printed: the squatter only COUNTS the requests that carried one.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-squat-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
async function squatter(port = 0): Promise<Squatter> {
  const s = await startSquatter(port);
  cleanups.push(() => s.close());
  return s;
}
/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
/** gateway.json left behind by a hub that crashed: it names the port the squatter took since. */
function staleGatewayInfo(dir: string, port: number): void {
  writeGatewayInfo(gatewayInfoPath(dir), { port, pid: 2 ** 22 + 1, startedAt: new Date(0).toISOString() });
}

/** Runs the bridge in this process with a client that sends `initialize`; resolves with its first answer. */
async function bridgeAnswer(options: { dataDir: string; port?: number; waitMs: number }) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let errText = '';
  stderr.on('data', (c: Buffer) => (errText += c.toString('utf8')));
  const exited = runBridge({ ...options, stdin, stdout, stderr });
  const answer = new Promise<string>((resolve) => {
    let buffered = '';
    stdout.on('data', (c: Buffer) => {
      buffered += c.toString('utf8');
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n') && line) resolve(line);
    });
  });
  stdin.write(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }) + '\n',
  );
  const line = await Promise.race([answer, new Promise<string>((r) => setTimeout(() => r('{}'), 20_000))]);
  const first = JSON.parse(line) as { error?: { message: string }; result?: unknown };
  stdin.end();
  await exited;
  return { first, stderr: () => errText };
}

describe('a squatter on the gateway port never receives the bridge token', () => {
  it('the bridge\'s probe does not take /healthz saying "switchboard" as proof', async () => {
    const dir = dataDir();
    ensureBridgeToken(dir);
    const s = await squatter();
    expect(await probeGateway(createBridgeTarget({ dataDir: dir, port: s.port }))).toBe(false);
    expect(s.withAuthorization()).toBe(0);
  });

  it('the bridge (hub stopped, gateway.json stale) answers "not running" and sends the squatter no token', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const s = await squatter();
    staleGatewayInfo(dir, s.port);
    const { first, stderr } = await bridgeAnswer({ dataDir: dir, waitMs: 1_500 });
    expect(first.error?.message).toMatch(/Switchboard is not running/);
    expect(stderr()).toMatch(new RegExp(`port ${s.port}.*(is not|not this) Switchboard`, 's'));
    expect(s.withAuthorization()).toBe(0);
    expect(s.carrying(token)).toBe(0);
  });

  it('the bridge with --port pointing at the squatter sends it no token either', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const s = await squatter();
    const { first } = await bridgeAnswer({ dataDir: dir, port: s.port, waitMs: 1_000 });
    expect(first.error).toBeDefined();
    expect(s.withAuthorization()).toBe(0);
    expect(s.carrying(token)).toBe(0);
  });

  it('auth connect hand-over: connectThroughRunningHub refuses a hub that cannot prove itself', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const s = await squatter();
    const shown: URL[] = [];
    await expect(
      connectThroughRunningHub({
        origin: `http://127.0.0.1:${s.port}`,
        bridgeToken: token,
        prefix: 'notes',
        onAuthorizationUrl: (url) => shown.push(url),
        timeoutMs: 2_000,
      }),
    ).rejects.toThrow(/not Switchboard|could not prove/i);
    expect(shown).toEqual([]);
    expect(s.withAuthorization()).toBe(0);
    expect(s.carrying(token)).toBe(0);
  });

  it('auth connect: a squatter on the configured port is not taken for the running hub', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const s = await squatter();
    const hub = openHub({
      dataDir: dir,
      env: {},
      keyProviders: [createMemoryKeyProviderForTests()],
      log: silentLogger,
    });
    cleanups.push(() => hub.close());
    hub.registry.settings.set('gateway.port', s.port);
    hub.registry.servers.add({
      prefix: 'notes',
      name: 'Notes',
      transport: 'http',
      url: 'http://127.0.0.1:9/mcp',
    });
    staleGatewayInfo(dir, s.port);
    const lines: string[] = [];
    const outcome = signInPlace(hub, (line) => lines.push(line)).then(async (place) => {
      if (place.kind === 'running-hub') return place.connect('notes');
      await place.close();
      return undefined;
    });
    const error = await outcome.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(new RegExp(`port ${s.port}`));
    expect(error?.message).toMatch(/not Switchboard|could not prove/i);
    expect(lines.join('\n')).not.toContain('evil.example');
    expect(s.withAuthorization()).toBe(0);
    expect(s.carrying(token)).toBe(0);
  });
});

describe('the waiting message of a bridge started before the hub (16.4)', () => {
  it('names the configured gateway port, which the hub will listen on, not the default', async () => {
    const dir = dataDir();
    ensureBridgeToken(dir);
    const port = await freePort();
    const hub = openHub({
      dataDir: dir,
      env: {},
      keyProviders: [createMemoryKeyProviderForTests()],
      log: silentLogger,
    });
    hub.registry.settings.set('gateway.port', port);
    await hub.close();
    const { first, stderr } = await bridgeAnswer({ dataDir: dir, waitMs: 500 });
    expect(first.error?.message).toContain(`127.0.0.1:${port}`);
    expect(stderr()).toContain(`waiting for Switchboard at http://127.0.0.1:${port}/mcp`);
    expect(stderr()).not.toContain(':17517');
  });
});
