import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureCatalogScale } from './catalog-scale.ts';
import { rssMiB, runCell, warmUp } from './measure.ts';
import type { Baseline } from './builds.ts';
import { ensureCliBundle, prepareBaseline, SOURCE_CLI } from './builds.ts';
import { ensurePeers, peersDir } from './peers.ts';
import type { BenchResults } from './report.ts';
import { BUNDLE, CURRENT, evaluateTargets, renderMarkdown } from './report.ts';
import type { Target } from './targets.ts';
import { directHttp, directStdio, mcpHub, mcpProxy, supergateway, switchboard } from './targets.ts';
import { formatProfileSummary } from './cpu-profile.ts';
import { profileServe } from './profile-serve.ts';
import { measureFirstCall, measureRunningMemory } from './user-facing.ts';
import { runToolSearchBench } from './tool-search.ts';

/**
 * `npm run bench` — Switchboard side by side with direct stdio, direct Streamable HTTP, supergateway, mcp-hub and
 * mcp-proxy, all in front of the same fixture echo server, with SDK v2 and SDK 1.x clients and stdio and
 * Streamable HTTP upstreams; the first call to a stopped stdio server next to a direct spawn + initialize; the
 * memory of serve with servers running; cold start next to an empty Node; a CPU profile summary of serve under
 * load; and the catalog-scale numbers. NOT a test: it prints a markdown table and writes docs/benchmarks.md.
 *
 *   node bench/run.ts [--quick] [--no-peers | --peers] [--baseline REF | --baseline-dir DIR] [--out FILE] [--json FILE]
 *
 * --quick         a smoke run: few calls per cell, one cold start, peers only with --peers; writes no file
 *                 unless --out
 * --no-peers      skip supergateway and mcp-hub (they are npm-installed into a temporary folder otherwise)
 * --baseline REF  also measure the Switchboard of git revision REF (e.g. HEAD: the last commit, without the
 *                 working tree's changes) in the same run, for a before/after side by side
 * --baseline-dir DIR  the same with a copy of main/, preload/ and package.json in DIR (a snapshot of a working
 *                 tree, which may hold uncommitted work); --baseline-label names it in the tables
 * --out FILE      where the markdown goes (default docs/benchmarks.md in full mode)
 * --json FILE     also write the raw results as JSON
 *
 * Cold starts are measured for this checkout's sources (`node main/cli.ts`) AND its bundle
 * (`node out/cli/switchboard.mjs`, what the packaged app and an installed CLI run; rebuilt when stale).
 */

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    peers: { type: 'boolean' },
    'no-peers': { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'string' },
    baseline: { type: 'string' },
    'baseline-dir': { type: 'string' },
    'baseline-label': { type: 'string' },
  },
});
const quick = values.quick === true;
const withPeers = values['no-peers'] ? false : (values.peers ?? !quick);
const out = values.out ?? (quick ? undefined : path.join(ROOT, 'docs/benchmarks.md'));

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const budget = quick
  ? { maxCallsPerCell: 100, maxMsPerCell: 2000, concurrencies: [1, 16, 64], warmup: { calls: 20, ms: 200 } }
  : {
      maxCallsPerCell: 2000,
      maxMsPerCell: 10_000,
      concurrencies: [1, 16, 64],
      warmup: { calls: 200, ms: 3000 },
    };

const results: BenchResults = {
  mode: quick ? 'quick' : 'full',
  startedAt: new Date().toISOString(),
  environment: {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    loadAverage: { start: os.loadavg()[0]! },
  },
  budget: {
    maxCallsPerCell: budget.maxCallsPerCell,
    maxMsPerCell: budget.maxMsPerCell,
    concurrencies: budget.concurrencies,
    warmup: budget.warmup,
  },
  targets: [],
  skipped: [],
};

async function measure(name: string, start: () => Promise<Target>): Promise<void> {
  log(`${name}: starting`);
  let target: Target;
  try {
    target = await start();
  } catch (error) {
    log(`${name}: could not start: ${String(error)}`);
    results.skipped.push({
      name,
      reason: String(error instanceof Error ? error.message : error).split('\n')[0]!,
    });
    return;
  }
  try {
    const call = () => target.call();
    const first = await call();
    if ((first as { isError?: boolean }).isError) throw new Error(`${target.tool} answered isError`);
    await warmUp(call, budget.warmup);
    const gatewayRssMiB = target.gatewayPid === undefined ? undefined : await rssMiB(target.gatewayPid);
    const cells = [];
    for (const concurrency of budget.concurrencies) {
      const cell = await runCell(call, {
        concurrency,
        maxCalls: budget.maxCallsPerCell,
        maxMs: budget.maxMsPerCell,
        gatewayPid: target.gatewayPid,
      });
      log(
        `${target.name} c=${concurrency}: p50 ${cell.p50Ms.toFixed(2)} ms, p99 ${cell.p99Ms.toFixed(2)} ms, ` +
          `${Math.round(cell.callsPerSecond)} calls/s (${cell.calls} calls, ${cell.errors} errors)` +
          (cell.gatewayCpuMsPerCall === undefined
            ? ''
            : `, gateway CPU ${cell.gatewayCpuMsPerCall.toFixed(3)} ms/call`),
      );
      cells.push(cell);
    }
    results.targets.push({ name: target.name, path: target.path, gatewayRssMiB, cells });
  } catch (error) {
    log(`${name}: failed: ${String(error)}`);
    results.skipped.push({
      name,
      reason: String(error instanceof Error ? error.message : error).split('\n')[0]!,
    });
  } finally {
    await target.close().catch((error: unknown) => log(`${name}: close failed: ${String(error)}`));
  }
}

const bundledCli = await ensureCliBundle(log);
let baseline: Baseline | undefined;
if (values.baseline !== undefined) {
  baseline = prepareBaseline(values.baseline);
  results.baseline = { ref: baseline.ref, commit: baseline.commit };
  log(`baseline: ${baseline.ref} (${baseline.commit}) from ${path.dirname(path.dirname(baseline.entry))}`);
} else if (values['baseline-dir'] !== undefined) {
  const dir = path.resolve(values['baseline-dir']);
  const label = values['baseline-label'] ?? path.basename(dir);
  baseline = { ref: dir, commit: label, entry: path.join(dir, 'main/cli.ts'), cleanup: () => {} };
  results.baseline = { ref: dir, commit: label, description: `a copy of the sources in ${dir}` };
}
const builds = [
  { name: CURRENT, entry: SOURCE_CLI, label: 'sources' },
  ...(baseline
    ? [{ name: `${CURRENT} before (${baseline.commit})`, entry: baseline.entry, label: 'sources' }]
    : []),
];

const compileCache = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-compile-cache-'));
try {
  await measure('direct stdio', directStdio);
  await measure('direct Streamable HTTP (SDK v2)', () => directHttp('v2'));
  await measure('direct Streamable HTTP (SDK 1.x)', () => directHttp('1.x'));
  // Variant by variant, each build in turn: before and after meet the same load as nearly as one run allows.
  for (const build of builds)
    await measure(`${build.name} (SDK v2)`, () => switchboard(build, { sdk: 'v2' }));
  for (const build of builds)
    await measure(`${build.name} (SDK 1.x)`, () => switchboard(build, { sdk: '1.x' }));
  for (const build of builds)
    await measure(`${build.name} (HTTP upstream)`, () => switchboard(build, { sdk: 'v2', upstream: 'http' }));
  if (withPeers) {
    const installed = await ensurePeers(log);
    for (const [name, peer] of Object.entries(installed.peers)) {
      if ('unavailable' in peer) {
        results.skipped.push({ name, reason: peer.unavailable });
        continue;
      }
      if (name === 'supergateway') await measure(name, () => supergateway(peer.entry, peer.version));
      else if (name === 'mcp-proxy') await measure(name, () => mcpProxy(peer.entry, peer.version));
      else await measure(name, () => mcpHub(peer.entry, peer.version, peersDir()));
    }
  } else {
    results.skipped.push({
      name: 'supergateway, mcp-hub, mcp-proxy',
      reason: 'peers skipped (--no-peers, or --quick without --peers)',
    });
  }

  results.firstCalls = [];
  results.runningMemory = [];
  results.profiles = [];
  for (const build of builds) {
    log(`${build.name}: first call to a stopped stdio server`);
    try {
      results.firstCalls.push(await measureFirstCall(build, quick ? 2 : 5));
    } catch (error) {
      log(`${build.name}: first call failed: ${String(error)}`);
    }
    log(`${build.name}: memory with 10 servers running`);
    try {
      results.runningMemory.push(await measureRunningMemory(build, 10));
    } catch (error) {
      log(`${build.name}: memory run failed: ${String(error)}`);
    }
  }
  for (const build of builds) {
    log(`${build.name}: CPU profile under load`);
    try {
      const profile = await profileServe(build, {
        callsPerCell: quick ? 200 : 1500,
        concurrencies: budget.concurrencies,
        log,
      });
      results.profiles.push(profile);
      if (profile.summary) for (const line of formatProfileSummary(build.name, profile.summary)) log(line);
    } catch (error) {
      log(`${build.name}: profile failed: ${String(error)}`);
    }
  }

  log('catalog scale: 50 servers × 20 tools');
  results.catalog = await measureCatalogScale({
    servers: 50,
    toolsPerServer: 20,
    listCalls: quick ? 50 : 500,
    coldStarts: quick ? 1 : 5,
    listBuilds: builds,
    // This checkout's builds start with an EMPTY compile cache of their own (so the first run is truly cold);
    // the baseline gets none, as it does not enable one.
    startBuilds: [
      { ...builds[0]!, env: { NODE_COMPILE_CACHE: path.join(compileCache, 'sources') } },
      { name: BUNDLE, entry: bundledCli, env: { NODE_COMPILE_CACHE: path.join(compileCache, 'bundle') } },
      ...builds.slice(1).map((b) => ({ ...b, env: { NODE_COMPILE_CACHE: undefined } })),
    ],
    log,
  });
  (await (await import('./guard-cost.ts')).measureGuardCost({ quick, log })).lines.forEach((l) => log(l));
} finally {
  baseline?.cleanup();
  fs.rmSync(compileCache, { recursive: true, force: true });
}

results.environment.loadAverage.end = os.loadavg()[0]!;

// Formatted like every other file in the repository, so `npm run lint` (prettier --check) stays green.
const prettier = await import('prettier');
const toolSearch = await runToolSearchBench({ quick, log }); // issue 13: bench/tool-search.ts
const markdown = await prettier.format(renderMarkdown(results) + '\n' + toolSearch, {
  ...((await prettier.resolveConfig(path.join(ROOT, 'docs/benchmarks.md'))) ?? {}),
  parser: 'markdown',
});
process.stdout.write(markdown);
for (const check of evaluateTargets(results)) {
  log(
    `${check.met === undefined ? '—  ' : check.met ? 'MET' : 'MISSED'} ${check.label}: ${check.measured} (goal ${check.goal})`,
  );
}
if (out) {
  fs.writeFileSync(out, markdown);
  log(`wrote ${path.relative(process.cwd(), out) || out}`);
}
if (values.json) fs.writeFileSync(values.json, JSON.stringify(results, null, 2) + '\n');
// Every target closed its processes; nothing should keep the loop alive, but don't hang on a stray handle.
setTimeout(() => process.exit(0), 1000).unref();
