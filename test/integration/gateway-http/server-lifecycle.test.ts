import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { SwitchboardError } from '../../../main/lib/errors.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { readGatewayInfo } from '../../../main/gateway/http/gateway-info-file.ts';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';
import { rawRequest } from './raw-http.ts';

const running: TestGateway[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const gw of running.splice(0)) await gw.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const start = async (...args: Parameters<typeof startTestGateway>) => {
  const gw = await startTestGateway(...args);
  running.push(gw);
  return gw;
};

const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const server = net.createServer();
  server.once('error', () => resolve(false));
  server.listen(0, '::1', () => server.close(() => resolve(true)));
});

describe('gateway server lifecycle', () => {
  it('refuses a busy port with PORT_IN_USE naming the port and how to change it', async () => {
    const first = await start();
    const error = await startTestGateway({ port: first.port }).then(
      () => new Error('second gateway started'),
      (e: unknown) => e,
    );
    expect(isSwitchboardError(error, 'PORT_IN_USE')).toBe(true);
    expect((error as SwitchboardError).message).toContain(String(first.port));
    expect((error as SwitchboardError).message).toMatch(/--port/);
  });

  it.skipIf(!hasIpv6Loopback)('also listens on [::1] with the same port', async () => {
    const gw = await start();
    const response = await fetch(`http://[::1]:${gw.port}/healthz`);
    expect(response.status).toBe(200);
    const viaLocalhost = await fetch(`http://localhost:${gw.port}/healthz`);
    expect(viaLocalhost.status).toBe(200);
  });

  it('never listens on other interfaces', async () => {
    const gw = await start();
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // a machine with loopback only has nothing else to check
    const reached = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: external.address, port: gw.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it('writes the info file the bridge reads, and removes it on close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-info-'));
    dirs.push(dir);
    const infoFile = path.join(dir, 'gateway.json');
    const gw = await startTestGateway({ infoFile });
    expect(readGatewayInfo(infoFile)).toMatchObject({ port: gw.port, pid: process.pid });
    await gw.close();
    expect(fs.existsSync(infoFile)).toBe(false);
  });

  it('close() ends open streams and sessions, then frees the port', async () => {
    const gw = await startTestGateway();
    const transport = new StreamableHTTPClientTransport(new URL(gw.url), {
      requestInit: { headers: { authorization: `Bearer ${gw.token}` } },
    });
    const client = new Client({ name: 'closing', version: '1.0.0' });
    await client.connect(transport);
    await new Promise((r) => setTimeout(r, 100)); // let the GET stream open
    const started = Date.now();
    await gw.close();
    // Generous bound (a loaded 2-core machine): speed is measured in bench/, never asserted in tests.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(gw.core.closed).toBeGreaterThanOrEqual(1);
    const again = await startTestGateway({ port: gw.port });
    running.push(again);
    expect((await rawRequest({ port: gw.port, method: 'GET', path: '/healthz' })).status).toBe(200);
    await client.close().catch(() => {});
  });
});
