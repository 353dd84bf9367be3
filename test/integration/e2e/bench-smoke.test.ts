import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../../bench/report.ts';
import { ROOT, leftoverChildren } from './serve-harness.ts';

/**
 * The benchmark's smoke run (`node bench/run.ts --quick --no-peers`): it runs end to end and produces numbers
 * for every local target (SDK v2 and SDK 1.x clients, stdio and Streamable HTTP upstreams), the first call to a
 * stopped server, serve's memory, a CPU profile summary and the catalog-scale measurements. Asserts THAT there
 * are numbers, never their values (CI machines are too noisy for performance assertions; docs/benchmarks.md
 * holds the real run).
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-smoke-'));
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  // The bench stopped every gateway, peer and upstream it started.
  expect(await leftoverChildren()).toEqual([]);
});

describe('bench --quick', () => {
  it('produces latency, throughput and catalog numbers', async () => {
    const json = path.join(dir, 'results.json');
    const out = path.join(dir, 'benchmarks.md');
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'bench/run.ts'), '--quick', '--no-peers', '--json', json, '--out', out],
        { cwd: ROOT, timeout: 400_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const results = JSON.parse(fs.readFileSync(json, 'utf8')) as BenchResults;

    expect(results.mode).toBe('quick');
    expect(results.targets.map((t) => t.name)).toEqual([
      'direct stdio',
      'direct Streamable HTTP (SDK v2)',
      'direct Streamable HTTP (SDK 1.x)',
      'Switchboard (SDK v2)',
      'Switchboard (SDK 1.x)',
      'Switchboard (SDK v2, HTTP upstream)',
    ]);
    for (const target of results.targets) {
      expect(target.cells.map((c) => c.concurrency)).toEqual([1, 16, 64]);
      for (const cell of target.cells) {
        expect(cell.calls, `${target.name} c=${cell.concurrency}`).toBeGreaterThan(0);
        expect(Number.isFinite(cell.p50Ms) && cell.p50Ms > 0).toBe(true);
        expect(Number.isFinite(cell.p99Ms) && cell.p99Ms >= cell.p50Ms).toBe(true);
        expect(Number.isFinite(cell.callsPerSecond) && cell.callsPerSecond > 0).toBe(true);
      }
    }
    for (const target of results.targets.filter((t) => t.name.startsWith('Switchboard'))) {
      expect(target.gatewayRssMiB, target.name).toBeGreaterThan(0);
      for (const cell of target.cells) expect(cell.gatewayCpuMsPerCall).toBeGreaterThanOrEqual(0);
    }

    // What users feel beyond steady-state calls, each next to its floor.
    const [first] = results.firstCalls!;
    expect(first?.build).toBe('Switchboard');
    expect(first!.hubMs > 0 && first!.directMs > 0).toBe(true);
    expect(results.runningMemory![0]?.serveRssMiB).toBeGreaterThan(0);
    const profile = results.profiles![0]!;
    expect(profile.cells.map((c) => c.concurrency)).toEqual([1, 16, 64]);
    for (const cell of profile.cells) expect(cell.calls).toBeGreaterThan(0);
    expect(profile.summary?.busyMs).toBeGreaterThan(0);
    expect(profile.summary?.modules.length).toBeGreaterThan(0);

    const catalog = results.catalog!;
    expect(catalog.servers).toBe(50);
    expect(catalog.toolsListed).toBe(50 * 20);
    expect(Number.isFinite(catalog.listP50Ms) && catalog.listP50Ms > 0).toBe(true);
    expect(Number.isFinite(catalog.coldStartListeningMs) && catalog.coldStartListeningMs > 0).toBe(true);
    expect(Number.isFinite(catalog.emptyNodeMs) && catalog.emptyNodeMs > 0).toBe(true);
    expect(catalog.idleRssMiB).toBeGreaterThan(0);
    // Listing a cached catalog never starts an upstream: a correctness property, not a performance number.
    expect([catalog.processesBefore, catalog.processesDuring, catalog.processesAfter]).toEqual([0, 0, 0]);
    expect(catalog.upstreamPidsRecorded).toBe(0);

    // The markdown table was printed and written.
    expect(run.stdout).toMatch(/\|\s*Switchboard \(SDK v2\)\s*\|/);
    expect(run.stdout).toContain('## Where serve spends its CPU');
    expect(fs.readFileSync(out, 'utf8')).toContain('## Targets');
  }, 420_000);
});
