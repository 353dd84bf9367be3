import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { runNode } from '../test/helpers/private-keyring.ts';
import { FIXTURES } from '../test/fixtures/servers/fixtures.ts';
import {
  descendants,
  e2eEnv,
  stdioServer,
  waitFor,
  waitForTools,
} from '../test/integration/e2e/serve-harness.ts';
import { prepareDataDirWith } from './data-dir.ts';
import { median, rssMiB } from './measure.ts';
import type { SwitchboardBuild } from './targets.ts';
import { startServeAt } from './targets.ts';

/**
 * What users feel beyond steady-state calls: the first call to a stdio server the hub had stopped (idle), next
 * to the floor of spawning it and initializing it directly; and the memory of `serve` with servers running.
 */

const ECHO = FIXTURES.echo;

export interface FirstCallResult {
  build: string;
  runs: number;
  /** Median of a tools/call through the hub while the echo server is stopped (spawn + initialize + call). */
  hubMs: number;
  /** Median of spawn + initialize + the same call, directly with an SDK v2 client (the floor). */
  directMs: number;
}

export interface RunningMemoryResult {
  build: string;
  servers: number;
  /** RSS of the serve process alone, with `servers` echo servers running and connected. */
  serveRssMiB: number | undefined;
}

const echoRunning = (pid: number, marker = 'echo-server'): number =>
  descendants(pid).filter((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  }).length;

async function cli(entry: string, dir: string, args: string[]): Promise<void> {
  const run = await runNode([entry, '--data-dir', dir, ...args], { env: e2eEnv(), timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`switchboard ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
}

/** One direct spawn + initialize + tools/call of the echo fixture (what the hub has to do for a stopped server). */
async function directFirstCall(): Promise<number> {
  const t0 = performance.now();
  const client = new Client({ name: 'bench-first-call', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [ECHO], stderr: 'ignore' }),
  );
  await client.callTool({ name: 'echo', arguments: { text: 'bench' } });
  const ms = performance.now() - t0;
  await client.close();
  return ms;
}

/** First call to a stopped stdio server through `build`, `runs` times (the hub stops it after 1 s idle). */
export async function measureFirstCall(build: SwitchboardBuild, runs: number): Promise<FirstCallResult> {
  const data = await prepareDataDirWith(build.entry, [stdioServer('echo', ECHO)], 'bench-first-call');
  try {
    await cli(build.entry, data.dir, ['settings', 'upstream.idleTimeoutSeconds', '1']);
    const serve = await startServeAt(build.entry, data);
    try {
      const client = await serve.connectWith('v2');
      await waitForTools(await serve.connect(), ['echo__echo']);
      const hub: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < runs; i++) {
        await waitFor('the hub to stop the idle echo server', () => echoRunning(serve.pid) === 0, 20_000, 50);
        const t0 = performance.now();
        const result = await client.call('echo__echo');
        hub.push(performance.now() - t0);
        if (result.isError) throw new Error('the first call answered isError');
        direct.push(await directFirstCall());
      }
      return { build: build.name, runs, hubMs: median(hub), directMs: median(direct) };
    } finally {
      await serve.stop();
    }
  } finally {
    data.cleanup();
  }
}

/** RSS of `serve` with `servers` echo servers kept running (each connected and listed). */
export async function measureRunningMemory(
  build: SwitchboardBuild,
  servers: number,
): Promise<RunningMemoryResult> {
  const definitions = Array.from({ length: servers }, (_, i) =>
    stdioServer(`echo${i + 1}`, ECHO, { keepRunning: true }),
  );
  const data = await prepareDataDirWith(build.entry, definitions, 'bench-memory');
  try {
    const serve = await startServeAt(build.entry, data);
    try {
      const client = await serve.connect();
      await waitForTools(
        client,
        definitions.map((_, i) => `echo${i + 1}__echo`),
        60_000,
      );
      await waitFor(`${servers} echo servers running`, () => echoRunning(serve.pid) >= servers, 30_000, 100);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return { build: build.name, servers, serveRssMiB: await rssMiB(serve.pid) };
    } finally {
      await serve.stop();
    }
  } finally {
    data.cleanup();
  }
}
