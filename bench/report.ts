import type { CatalogScaleResult } from './catalog-scale.ts';
import type { CellResult } from './measure.ts';
import type { ServeProfile } from './profile-serve.ts';
import type { FirstCallResult, RunningMemoryResult } from './user-facing.ts';

/** Everything one benchmark run measured, as written to JSON and rendered to markdown. */
export interface BenchResults {
  mode: 'full' | 'quick';
  startedAt: string;
  environment: {
    node: string;
    platform: string;
    cpu: string;
    cores: number;
    memoryGiB: number;
    /** 1-minute load average at start and end: other work on the machine skews every number. */
    loadAverage: { start: number; end?: number };
  };
  budget: {
    maxCallsPerCell: number;
    maxMsPerCell: number;
    concurrencies: number[];
    warmup: { calls: number; ms: number };
  };
  targets: {
    name: string;
    path: string;
    gatewayRssMiB?: number | undefined;
    cells: CellResult[];
  }[];
  /** Targets that could not run, with why. */
  skipped: { name: string; reason: string }[];
  catalog?: CatalogScaleResult | undefined;
  /** The git revision measured as "before" next to this checkout, when the run had --baseline. */
  baseline?: { ref: string; commit: string; description?: string } | undefined;
  firstCalls?: FirstCallResult[];
  runningMemory?: RunningMemoryResult[];
  profiles?: ServeProfile[];
}

/** Target names of the builds (see builds.ts). */
export const CURRENT = 'Switchboard';
export const BUNDLE = 'Switchboard (bundle)';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const rate = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');

interface TargetCheck {
  label: string;
  goal: string;
  measured: string;
  met: boolean | undefined;
}

/** The goals of issue 15, evaluated against the numbers of this run (ratios within one run). */
export function evaluateTargets(results: BenchResults): TargetCheck[] {
  const named = (name: string) => results.targets.find((t) => t.name === name);
  const cell = (t: BenchResults['targets'][number] | undefined, c: number) =>
    t?.cells.find((x) => x.concurrency === c);
  const sb = named(`${CURRENT} (SDK v2)`);
  const sb1 = named(`${CURRENT} (SDK 1.x)`);
  const sbHttp = named(`${CURRENT} (SDK v2, HTTP upstream)`);
  const http2 = named('direct Streamable HTTP (SDK v2)');
  const http1 = named('direct Streamable HTTP (SDK 1.x)');
  const peers = results.targets.filter((t) => /^(supergateway|mcp-hub|mcp-proxy) /.test(t.name));
  const mcpHub = peers.find((t) => t.name.startsWith('mcp-hub'));
  const checks: TargetCheck[] = [];
  const overhead = (label: string, through: typeof sb, direct: typeof sb, goalMs: number) => {
    const a = cell(through, 1);
    const b = cell(direct, 1);
    if (!a || !b) return;
    const delta = a.p50Ms - b.p50Ms;
    checks.push({
      label,
      goal: `≤ +${goalMs} ms`,
      measured: `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} ms (${ms(a.p50Ms)} vs ${ms(b.p50Ms)})`,
      met: delta <= goalMs,
    });
  };
  overhead('c=1 p50 overhead over direct Streamable HTTP, SDK v2 client', sb, http2, 0.3);
  overhead('c=1 p50 overhead over direct Streamable HTTP, SDK 1.x client', sb1, http1, 0.5);
  overhead('c=1 p50 through the hub to a Streamable HTTP upstream vs direct', sbHttp, http2, 0.5);
  for (const c of [16, 64]) {
    const mine = cell(sb, c);
    const hub = cell(mcpHub, c);
    if (mine?.gatewayCpuMsPerCall !== undefined && hub?.gatewayCpuMsPerCall !== undefined) {
      const ratio = mine.gatewayCpuMsPerCall / hub.gatewayCpuMsPerCall;
      checks.push({
        label: `hub CPU ms/call vs mcp-hub (c=${c})`,
        goal: '≤ 1.0x (stretch 0.5x)',
        measured: `${ratio.toFixed(2)}x (${mine.gatewayCpuMsPerCall.toFixed(2)} vs ${hub.gatewayCpuMsPerCall.toFixed(2)})`,
        met: ratio <= 1,
      });
    }
    const best = Math.max(0, ...peers.map((p) => cell(p, c)?.callsPerSecond ?? 0));
    if (mine && best > 0) {
      const ratio = mine.callsPerSecond / best;
      checks.push({
        label: `throughput vs best peer (c=${c})`,
        goal: '≥ 1.5x (stretch 2x)',
        measured: `${ratio.toFixed(2)}x (${rate(mine.callsPerSecond)} vs ${rate(best)} calls/s)`,
        met: ratio >= 1.5,
      });
    }
  }
  const first = results.firstCalls?.find((f) => f.build === CURRENT);
  if (first) {
    const ratio = first.hubMs / first.directMs;
    checks.push({
      label: 'first call to a stopped stdio server vs direct spawn + initialize',
      goal: '≤ 1.1x',
      measured: `${ratio.toFixed(2)}x (${ms(first.hubMs)} vs ${ms(first.directMs)} ms)`,
      met: ratio <= 1.1,
    });
  }
  const cat = results.catalog;
  const bundle = cat?.coldStarts.find((c) => c.build === BUNDLE);
  if (cat && bundle && Number.isFinite(cat.emptyNodeMs)) {
    const delta = bundle.listeningMs - cat.emptyNodeMs;
    checks.push({
      label: `cold start to listening (bundle, ${cat.servers} servers) vs empty Node`,
      goal: '≤ +150 ms',
      measured: `+${delta.toFixed(0)} ms (${ms(bundle.listeningMs)} vs ${ms(cat.emptyNodeMs)})`,
      met: delta <= 150,
    });
  }
  const list = cat?.lists.find((l) => l.build === CURRENT);
  if (cat && list) {
    const most = Math.max(list.processesBefore, list.processesDuring, list.processesAfter);
    checks.push({
      label: `tools/list, ${cat.servers} servers × ${cat.toolsPerServer} tools (p50), nothing spawned`,
      goal: '< 5 ms, zero processes',
      measured: `raw HTTP ${ms(list.rawListP50Ms)} ms, SDK client ${ms(list.listP50Ms)} ms, ${most} upstream processes`,
      met: list.rawListP50Ms < 5 && most === 0 && list.upstreamPidsRecorded === 0,
    });
  }
  return checks;
}

/** Renders the results as the markdown of docs/benchmarks.md. */
export function renderMarkdown(results: BenchResults): string {
  const env = results.environment;
  const lines: string[] = [];
  lines.push('# Benchmarks');
  lines.push('');
  lines.push(
    `Generated by \`npm run bench\`${results.mode === 'quick' ? ' -- --quick (SMOKE RUN: numbers are not meaningful)' : ''} on ${results.startedAt}.`,
  );
  lines.push('');
  lines.push(
    `Machine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB.toFixed(1)} GiB, ${env.platform}, Node ${env.node}. ` +
      `Load average (1 min) ${env.loadAverage.start.toFixed(2)} at start, ${env.loadAverage.end?.toFixed(2) ?? 'n/a'} at end. ` +
      `Every process talks over 127.0.0.1; the client, the gateways and the upstream share these cores.`,
  );
  lines.push('');
  lines.push('## tools/call latency and throughput');
  lines.push('');
  if (results.baseline)
    lines.push(
      `"${CURRENT}" is this checkout; "${CURRENT} before (${results.baseline.commit})" is ${results.baseline.description ?? `git revision \`${results.baseline.ref}\` (${results.baseline.commit})`}, measured in the same run on the same data.`,
      '',
    );
  lines.push(
    `Same fixture echo server behind every path (\`test/fixtures/servers/echo-server.ts\`, tool \`echo\`). One client ` +
      `per target — SDK v2 (\`@modelcontextprotocol/client\`, session era) or SDK 1.x (\`@modelcontextprotocol/sdk\`, what ` +
      `most desktop clients embed); *c* concurrent callers share it; each cell stops after ${results.budget.maxCallsPerCell} ` +
      `calls or ${results.budget.maxMsPerCell / 1000} s, whichever comes first, after a warm-up of one caller for at ` +
      `least ${results.budget.warmup.calls} calls and ${results.budget.warmup.ms / 1000} s (the JIT warms up, and ` +
      `what a gateway still does after it listens is over before the first cell: start-up has its own tables).`,
  );
  lines.push('');
  const concurrencies = results.budget.concurrencies;
  lines.push(
    `| target | path | ${concurrencies.map((c) => `c=${c} p50 / p99 ms | c=${c} calls/s`).join(' | ')} | gateway CPU ms/call (${concurrencies.map((c) => `c=${c}`).join(' / ')}) | gateway RSS MiB |`,
  );
  lines.push(`|---|---|${concurrencies.map(() => '---:|---:').join('|')}|---:|---:|`);
  for (const target of results.targets) {
    const cells = concurrencies.map((c) => {
      const cell = target.cells.find((x) => x.concurrency === c);
      if (!cell) return 'n/a | n/a';
      const errors = cell.errors > 0 ? ` (${cell.errors} errors)` : '';
      return `${ms(cell.p50Ms)} / ${ms(cell.p99Ms)} | ${rate(cell.callsPerSecond)}${errors}`;
    });
    const rss = target.gatewayRssMiB === undefined ? '—' : target.gatewayRssMiB.toFixed(0);
    const cpu = target.cells.every((c) => c.gatewayCpuMsPerCall === undefined)
      ? '—'
      : concurrencies
          .map((c) => target.cells.find((x) => x.concurrency === c)?.gatewayCpuMsPerCall?.toFixed(2) ?? 'n/a')
          .join(' / ');
    lines.push(`| ${target.name} | ${target.path} | ${cells.join(' | ')} | ${cpu} | ${rss} |`);
  }
  for (const skip of results.skipped)
    lines.push(
      `| ${skip.name} | not run: ${skip.reason} | ${concurrencies.map(() => '— | —').join(' | ')} | — | — |`,
    );
  lines.push('');
  const cat = results.catalog;
  if (cat) {
    lines.push(`## Catalog scale: ${cat.servers} registered servers × ${cat.toolsPerServer} tools`);
    lines.push('');
    lines.push(
      'Catalogs cached in the registry (as after the hub met each server once); `serve` must answer from the cache ' +
        'and start nothing.',
    );
    lines.push('');
    lines.push(
      '| build | tools/list raw HTTP p50 / p99 ms | answered as | tools/list SDK v2 Client p50 / p99 ms | upstream processes before / during / after | upstream pids recorded |',
    );
    lines.push('|---|---:|---|---:|---:|---:|');
    for (const list of cat.lists) {
      lines.push(
        `| ${list.build} | ${ms(list.rawListP50Ms)} / ${ms(list.rawListP99Ms)} | ${list.rawContentType.split(';')[0]} | ${ms(list.listP50Ms)} / ${ms(list.listP99Ms)} | ${list.processesBefore} / ${list.processesDuring} / ${list.processesAfter} | ${list.upstreamPidsRecorded} |`,
      );
    }
    const first = cat.lists[0];
    if (first)
      lines.push(
        `\n${first.listCalls} sequential calls per column, ${first.toolsListed} tools each. Raw HTTP is fetch + JSON.parse on one session; the SDK client adds its validation of every tool.`,
      );
    lines.push('');
    lines.push('### Start-up');
    lines.push('');
    lines.push(
      '| build | serve: spawn → "listening", median (first run) ms | serve: spawn → first 200 from /healthz, median ms | `--help`: spawn → exit, median ms | idle RSS of serve MiB |',
    );
    lines.push('|---|---:|---:|---:|---:|');
    for (const start of cat.coldStarts) {
      const rss =
        start.idleRssMiB === undefined || !Number.isFinite(start.idleRssMiB)
          ? 'n/a'
          : start.idleRssMiB.toFixed(1);
      lines.push(
        `| ${start.build} | ${ms(start.listeningMs)} (${ms(start.firstListeningMs)}) | ${ms(start.healthyMs)} | ${ms(start.helpMs)} | ${rss} |`,
      );
    }
    const runs = cat.coldStarts[0]?.runs ?? 0;
    lines.push(
      `\nNode with an empty script (\`node -e ""\`): spawn → exit ${ms(cat.emptyNodeMs)} ms (median, same runs).`,
    );
    lines.push(
      `\n${runs} runs per build, interleaved. This checkout's builds start with an empty compile cache of their own: the first run fills it (\`module.enableCompileCache()\` in main/cli.ts), later runs read it, as every start of an installed CLI after its first does. The baseline has no compile cache.`,
    );
    lines.push('');
  }
  if (results.firstCalls?.length) {
    lines.push('## First call to a stopped stdio server');
    lines.push('');
    lines.push(
      'The hub stops an idle stdio server (idle timeout 1 s here); the next tools/call spawns it, initializes it and ' +
        'calls. The floor is the same done directly: an SDK v2 client spawning the echo fixture, initializing and ' +
        'calling. Medians, alternated run by run.',
    );
    lines.push('');
    lines.push('| build | runs | through the hub ms | direct spawn + initialize + call ms | ratio |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const f of results.firstCalls)
      lines.push(
        `| ${f.build} | ${f.runs} | ${ms(f.hubMs)} | ${ms(f.directMs)} | ${(f.hubMs / f.directMs).toFixed(2)}x |`,
      );
    lines.push('');
  }
  if (results.runningMemory?.length || cat) {
    lines.push('## Memory of serve');
    lines.push('');
    lines.push(
      '| build | idle, 50 servers registered (catalogs cached, nothing running) MiB | 10 echo servers running MiB |',
    );
    lines.push('|---|---:|---:|');
    const names = new Set([
      ...(results.runningMemory ?? []).map((m) => m.build),
      ...(cat?.coldStarts ?? []).map((c) => c.build),
    ]);
    for (const name of names) {
      const idle = cat?.coldStarts.find((c) => c.build === name)?.idleRssMiB;
      const running = results.runningMemory?.find((m) => m.build === name)?.serveRssMiB;
      const show = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1));
      lines.push(`| ${name} | ${show(idle)} | ${show(running)} |`);
    }
    lines.push('');
    lines.push('RSS of the serve process alone (its upstream servers are separate processes).');
    lines.push('');
  }
  if (results.profiles?.length) {
    lines.push('## Where serve spends its CPU');
    lines.push('');
    lines.push(
      '`serve` under `node --cpu-prof`, an SDK v2 client calling the echo tool at c=1, 16 and 64 ' +
        `(${results.profiles[0]!.callsPerCell} calls each). Self time by module, as a share of busy (non-idle) ` +
        'time; native frames (socket writes, hashing) are charged to the module that called them. `bench/profile-serve.ts` ' +
        'prints the same for any build.',
    );
    lines.push('');
    for (const profile of results.profiles) {
      if (!profile.summary) continue;
      const cpu = profile.cells.map((c) => c.gatewayCpuMsPerCall?.toFixed(2) ?? 'n/a').join(' / ');
      lines.push(
        `**${profile.build}** — busy ${profile.summary.busyMs.toFixed(0)} ms; CPU ms/call (c=1 / 16 / 64) ${cpu}`,
      );
      lines.push('');
      lines.push('| module | self ms | share |');
      lines.push('|---|---:|---:|');
      for (const m of profile.summary.modules.slice(0, 12))
        lines.push(`| ${m.name} | ${m.selfMs.toFixed(0)} | ${(m.share * 100).toFixed(1)}% |`);
      lines.push('');
    }
  }
  lines.push('## Targets');
  lines.push('');
  lines.push('| target | goal | measured | met |');
  lines.push('|---|---|---|:---:|');
  for (const check of evaluateTargets(results)) {
    lines.push(
      `| ${check.label} | ${check.goal} | ${check.measured} | ${check.met === undefined ? '—' : check.met ? 'yes' : 'NO'} |`,
    );
  }
  lines.push('');
  lines.push('## Notes');
  lines.push('');
  lines.push(
    '- Cold start includes starting Node 24 and loading the code — the TypeScript sources by type stripping ' +
      '(`node main/cli.ts`), or the esbuild bundle the packaged app and an installed CLI run ' +
      '(`node out/cli/switchboard.mjs`, rebuilt by the bench when older than the sources) — opening SQLite and ' +
      'binding 127.0.0.1 and ::1.',
  );
  lines.push(
    '- Gateway CPU ms/call is the user + system CPU time of the gateway process (from /proc, 10 ms ticks) over a ' +
      "cell, divided by its calls; it includes the gateway's own upstream client, not the echo server. It moves far " +
      "less with the machine's load than latency and calls/s do, but still some (shared caches, frequency).",
  );
  lines.push(
    '- Switchboard authenticates every request (bearer token, constant-time compare), checks Host/Origin, and writes ' +
      'each call to the call log (batched SQLite writes); the peers do none of that.',
  );
  lines.push(
    '- supergateway runs with `--stateful` (one echo process per session; its stateless default spawns a process per ' +
      "request). mcp-hub's unified endpoint speaks the legacy HTTP+SSE transport. mcp-proxy serves Streamable HTTP on " +
      '/mcp. They bind all interfaces (not configurable); the benchmark talks to them on 127.0.0.1 only.',
  );
  lines.push(
    '- Peers are installed at bench time into a temporary folder outside the project (`npm install --prefix`).',
  );
  lines.push('');
  return lines.join('\n');
}
