import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import MiniSearch from 'minisearch';
import { openHub } from '../main/hub.ts';
import { silentLogger } from '../main/lib/logger.ts';
import { toolKey } from '../main/toolsearch/tool-documents.ts';
import type { ToolGroup } from '../main/toolsearch/tool-index.ts';
import { createToolIndex } from '../main/toolsearch/tool-index.ts';
import { estimateTokens } from '../main/toolsearch/token-estimate.ts';
import { definitionHash } from '../main/upstream/definition-fingerprint.ts';
import { createMemoryKeyProviderForTests } from '../main/vault/memory-key-provider.ts';
import { quantile } from './measure.ts';

/**
 * Tool search (issue 13), measured. `node bench/tool-search.ts [--quick]` prints a markdown section; `bench/run.ts`
 * appends it to docs/benchmarks.md. `node bench/tool-search.ts --dev [--misses]` looks at the development half only
 * (for tuning: see renderDevelopment). Every number stands beside its baseline from the same run:
 *
 * - tokens: what a client receives from tools/list through the REAL gateway (a hub in this process, HTTP, SDK
 *   client) in full mode vs search mode — for the 39 real catalogs of test/fixtures/tool-catalogs and for 50 servers
 *   × 20 tools made of those real tools — counted with a real tokenizer (o200k_base, gpt-tokenizer); and per task
 *   (search call + describe call of the best hit + the answers) against the full listing every turn costs;
 * - retrieval on queries.json: recall@1, recall@5 and MRR of Switchboard's ranking vs MiniSearch out of the box,
 *   on the development half (what the ranking was tuned on), the HELD-OUT half (the honest number) and all;
 * - latency of one search over 1,000 tools, p50/p99, vs the out-of-the-box index; index build and one server's
 *   re-sync.
 * Goals (issue 13): search listing ≤ 5% of the full listing at 50 × 20; recall@5 ≥ 0.90; search p50 < 2 ms.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test/fixtures/tool-catalogs');

interface Fixture {
  short: string;
  server: string;
  description: string;
  tools: Tool[];
}
interface Query {
  query: string;
  expected: [string, string][];
}

function loadFixtures(): { fixtures: Fixture[]; queries: Query[] } {
  const fixtures = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json') && f !== 'queries.json')
    .sort()
    .map((f) => {
      const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as Omit<Fixture, 'short'>;
      return { short: f.replace(/\.json$/, ''), ...doc };
    });
  const queries = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'queries.json'), 'utf8')) as Query[];
  return { fixtures, queries };
}

/** The development half (sha256 of the query, first byte even): what the ranking was tuned on. */
export function isDevelopment(query: string): boolean {
  return createHash('sha256').update(query).digest()[0]! % 2 === 0;
}

const tokensOf = (value: unknown) => countTokens(JSON.stringify(value));

export interface RetrievalScore {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
}

function score(queries: Query[], rank: (query: string) => string[]): RetrievalScore {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  for (const q of queries) {
    const wanted = new Set(q.expected.map(([s, n]) => toolKey(s, n)));
    const at = rank(q.query).findIndex((id) => wanted.has(id));
    if (at === 0) r1 += 1;
    if (at >= 0 && at < 5) r5 += 1;
    if (at >= 0) mrr += 1 / (at + 1);
  }
  const n = queries.length;
  return { queries: n, recallAt1: r1 / n, recallAt5: r5 / n, mrr: mrr / n };
}

function groupsOf(fixtures: Fixture[]): ToolGroup[] {
  return fixtures.map((f) => ({
    key: f.short,
    fingerprint: '1',
    tools: f.tools.map((tool) => ({
      id: toolKey(f.short, tool.name),
      prefix: f.short,
      tool,
      server: { name: f.short, description: f.description },
    })),
  }));
}

/** MiniSearch as it comes: default tokenizer and scoring over name, title and description. */
function baselineIndex(groups: ToolGroup[]): (query: string, limit: number) => string[] {
  const search = new MiniSearch<{ id: string; name: string; title: string; description: string }>({
    fields: ['name', 'title', 'description'],
  });
  search.addAll(
    groups.flatMap((g) =>
      g.tools.map((t) => ({
        id: t.id,
        name: t.tool.name,
        title: t.tool.title ?? '',
        description: t.tool.description ?? '',
      })),
    ),
  );
  return (query, limit) =>
    search
      .search(query)
      .slice(0, limit)
      .map((r) => r.id as string);
}

/** 50 servers × 20 tools of REAL definitions: server k takes tools 20k…20k+19 of the 750, cycling. */
function fiftyByTwenty(fixtures: Fixture[]): Fixture[] {
  const all = fixtures.flatMap((f) => f.tools.map((tool) => ({ tool, from: f })));
  return Array.from({ length: 50 }, (_, k) => {
    const tools = Array.from({ length: 20 }, (_, i) => all[(k * 20 + i) % all.length]!);
    // Two npm servers may share a tool name (brave_web_search): one server must not.
    const seen = new Set<string>();
    return {
      short: `srv${String(k).padStart(2, '0')}`,
      server: 'synthetic',
      description: tools[0]!.from.description,
      tools: tools.map(({ tool }) => {
        let name = tool.name;
        while (seen.has(name)) name = `${name}_2`;
        seen.add(name);
        return { ...tool, name };
      }),
    };
  });
}

/** A hub in this process over a fresh data folder holding `fixtures` as cached catalogs (nothing is spawned). */
async function hubWith(fixtures: Fixture[]) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-search-'));
  const hub = openHub({
    dataDir,
    env: {},
    keyProviders: [createMemoryKeyProviderForTests()],
    log: silentLogger,
  });
  const { registry } = hub;
  for (const f of fixtures) {
    const server = registry.write(() =>
      registry.servers.add({
        prefix: f.short,
        name: f.short,
        description: f.description.slice(0, 2000),
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', ''],
        toolChanges: 'trust',
      }),
    );
    registry.catalog.save(server.id, {
      capabilities: { tools: {} },
      tools: f.tools,
      prompts: [],
      resources: [],
      resourceTemplates: [],
      definitionHash: definitionHash(server),
      refreshedAt: Date.now(),
    });
  }
  const full = hub.useCases.tokens.create('bench-full').token;
  const lean = hub.useCases.tokens.create('bench-search').token;
  hub.useCases.profiles.create({ name: 'search', others: 'in', toolMode: 'search' });
  hub.useCases.profiles.use('bench-search', 'search');
  const runtime = await hub.start({ port: 0, health: false, watchRegistry: false });
  const url = runtime.front()!.url;
  const clients: Client[] = [];
  const connect = async (token: string) => {
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  return {
    full: await connect(full),
    lean: await connect(lean),
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      await hub.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const listed = async (client: Client) =>
  (await client.request({ method: 'tools/list', params: {} })) as { tools: Tool[] };

export interface ListingTokens {
  servers: number;
  tools: number;
  fullTokens: number;
  fullEstimate: number;
  searchTokens: number;
  searchListed: number;
}

async function listingTokens(fixtures: Fixture[]) {
  const hub = await hubWith(fixtures);
  try {
    const full = await listed(hub.full);
    const lean = await listed(hub.lean);
    const result: ListingTokens = {
      servers: fixtures.length,
      tools: full.tools.length,
      fullTokens: tokensOf(full),
      fullEstimate: estimateTokens(full),
      searchTokens: tokensOf(lean),
      searchListed: lean.tools.length,
    };
    return { result, hub };
  } catch (error) {
    await hub.close();
    throw error;
  }
}

export interface TaskTokens {
  tasks: number;
  /** search request + answer + describe request + answer, per task: median and p90. */
  medianTokens: number;
  p90Tokens: number;
  searchAnswerMedian: number;
  describeAnswerMedian: number;
}

async function taskTokens(client: Client, queries: Query[]): Promise<TaskTokens> {
  const totals: number[] = [];
  const searches: number[] = [];
  const describes: number[] = [];
  for (const q of queries) {
    const searchArgs = { name: 'switchboard_search_tools', arguments: { query: q.query } };
    const found = (await client.request({ method: 'tools/call', params: searchArgs })) as {
      content: { text: string }[];
    };
    const best = /^1\. (\S+) — /m.exec(found.content[0]?.text ?? '')?.[1];
    const describeArgs = { name: 'switchboard_describe_tool', arguments: { name: best ?? '' } };
    const described = await client.request({ method: 'tools/call', params: describeArgs });
    const s = tokensOf(found);
    const d = tokensOf(described);
    searches.push(s);
    describes.push(d);
    totals.push(tokensOf(searchArgs) + s + tokensOf(describeArgs) + d);
  }
  const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
  return {
    tasks: queries.length,
    medianTokens: quantile(sorted(totals), 0.5),
    p90Tokens: quantile(sorted(totals), 0.9),
    searchAnswerMedian: quantile(sorted(searches), 0.5),
    describeAnswerMedian: quantile(sorted(describes), 0.5),
  };
}

export interface LatencyResult {
  tools: number;
  searches: number;
  p50Ms: number;
  p99Ms: number;
  baselineP50Ms: number;
  baselineP99Ms: number;
  buildMs: number;
  resyncOneServerMs: number;
}

function latency(fixtures: Fixture[], queries: Query[], rounds: number): LatencyResult {
  const groups = groupsOf(fixtures);
  const t0 = performance.now();
  const index = createToolIndex(groups);
  const buildMs = performance.now() - t0;
  const baseline = baselineIndex(groups);
  const time = (fn: (q: string) => unknown) => {
    const samples: number[] = [];
    for (const q of queries.slice(0, 20)) fn(q.query); // warm-up
    for (let r = 0; r < rounds; r++)
      for (const q of queries) {
        const start = performance.now();
        fn(q.query);
        samples.push(performance.now() - start);
      }
    return samples.sort((a, b) => a - b);
  };
  const ours = time((q) => index.search(q, { limit: 8 }));
  const theirs = time((q) => baseline(q, 8));
  const changed = groups.map((g, i) => (i === 0 ? { ...g, fingerprint: '2' } : g));
  const t1 = performance.now();
  index.sync(changed);
  const resyncOneServerMs = performance.now() - t1;
  return {
    tools: index.size,
    searches: ours.length,
    p50Ms: quantile(ours, 0.5),
    p99Ms: quantile(ours, 0.99),
    baselineP50Ms: quantile(theirs, 0.5),
    baselineP99Ms: quantile(theirs, 0.99),
    buildMs,
    resyncOneServerMs,
  };
}

export interface ToolSearchResults {
  real: ListingTokens;
  scale: ListingTokens;
  perTask: TaskTokens;
  retrieval: { split: string; ours: RetrievalScore; baseline: RetrievalScore }[];
  latency: LatencyResult;
}

/** Runs every measurement. */
export async function measureToolSearch(options: { quick?: boolean; log?: (line: string) => void } = {}) {
  const log = options.log ?? (() => {});
  const { fixtures, queries } = loadFixtures();
  const heldOut = queries.filter((q) => !isDevelopment(q.query));

  log('tool search: retrieval on the query set');
  const groups = groupsOf(fixtures);
  const index = createToolIndex(groups);
  const baseline = baselineIndex(groups);
  const splits: [string, Query[]][] = [
    ['held-out half', heldOut],
    ['development half', queries.filter((q) => isDevelopment(q.query))],
    ['all', queries],
  ];
  const retrieval = splits.map(([split, qs]) => ({
    split,
    ours: score(qs, (q) => index.search(q, { limit: 50 }).map((h) => h.id)),
    baseline: score(qs, (q) => baseline(q, 50)),
  }));

  log('tool search: listings through the gateway (39 real servers)');
  const real = await listingTokens(fixtures);
  let perTask: TaskTokens;
  try {
    log('tool search: tokens per task (search + describe)');
    perTask = await taskTokens(real.hub.lean, options.quick ? heldOut.slice(0, 20) : heldOut);
  } finally {
    await real.hub.close();
  }
  log('tool search: listings through the gateway (50 servers × 20 tools)');
  const scaleFixtures = fiftyByTwenty(fixtures);
  const scale = await listingTokens(scaleFixtures);
  await scale.hub.close();

  log('tool search: latency over 1,000 tools');
  const results: ToolSearchResults = {
    real: real.result,
    scale: scale.result,
    perTask,
    retrieval,
    latency: latency(scaleFixtures, queries, options.quick ? 2 : 10),
  };
  return results;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** The markdown section. */
export function renderToolSearch(r: ToolSearchResults): string {
  const ratio = r.scale.searchTokens / r.scale.fullTokens;
  const held = r.retrieval[0]!;
  const lines = [
    '## Tool search (issue 13)',
    '',
    'Profiles in search mode list three meta-tools instead of every tool. Tokens are o200k_base (gpt-tokenizer) of',
    'the tools/list result a client received through the gateway; "full" is the baseline (every tool listed).',
    '',
    '| catalog | tools | full listing | search listing | search / full | hub estimate of full |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...[
      ['39 real npm servers', r.real],
      ['50 servers × 20 tools', r.scale],
    ].map(
      ([label, t]) =>
        `| ${label as string} | ${(t as ListingTokens).tools} | ${n((t as ListingTokens).fullTokens)} | ` +
        `${n((t as ListingTokens).searchTokens)} (${(t as ListingTokens).searchListed} tools) | ` +
        `${pct((t as ListingTokens).searchTokens / (t as ListingTokens).fullTokens)} | ${n((t as ListingTokens).fullEstimate)} |`,
    ),
    '',
    `Per task (${r.perTask.tasks} held-out tasks, 39 real servers): a search call and a describe call of the best hit,`,
    `requests and answers, cost ${n(r.perTask.medianTokens)} tokens (median; p90 ${n(r.perTask.p90Tokens)}; search answer`,
    `${n(r.perTask.searchAnswerMedian)}, describe answer ${n(r.perTask.describeAnswerMedian)}), against ${n(r.real.fullTokens)}`,
    'tokens of full listing on every turn.',
    '',
    'Retrieval on test/fixtures/tool-catalogs/queries.json (a task counts as found when any acceptable tool is in the',
    'top k). The ranking was tuned on the development half only; the held-out half is the honest number.',
    '',
    '| queries | n | recall@1 | recall@5 | MRR | baseline recall@1 | baseline recall@5 | baseline MRR |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.retrieval.map(
      ({ split, ours, baseline }) =>
        `| ${split} | ${ours.queries} | ${ours.recallAt1.toFixed(3)} | ${ours.recallAt5.toFixed(3)} | ${ours.mrr.toFixed(3)} | ` +
        `${baseline.recallAt1.toFixed(3)} | ${baseline.recallAt5.toFixed(3)} | ${baseline.mrr.toFixed(3)} |`,
    ),
    '',
    'Baseline: MiniSearch 7 out of the box (default tokenizer and BM25, fields name, title, description).',
    '',
    `Latency of one search over ${n(r.latency.tools)} tools (${n(r.latency.searches)} searches, in process): p50`,
    `${ms(r.latency.p50Ms)}, p99 ${ms(r.latency.p99Ms)}; baseline p50 ${ms(r.latency.baselineP50Ms)}, p99`,
    `${ms(r.latency.baselineP99Ms)}. Building the index: ${ms(r.latency.buildMs)} (once, at the first search after a`,
    `change); re-indexing one changed server: ${ms(r.latency.resyncOneServerMs)}.`,
    '',
    '| goal | measured | met |',
    '| --- | --- | --- |',
    `| search listing ≤ 5% of full at 50 × 20 | ${pct(ratio)} | ${ratio <= 0.05 ? 'yes' : 'no'} |`,
    `| recall@5 ≥ 0.90 (held-out half) | ${held.ours.recallAt5.toFixed(3)} | ${held.ours.recallAt5 >= 0.9 ? 'yes' : 'no'} |`,
    `| search p50 < 2 ms over 1,000 tools | ${ms(r.latency.p50Ms)} | ${r.latency.p50Ms < 2 ? 'yes' : 'no'} |`,
    '',
  ];
  return lines.join('\n');
}

/** For bench/run.ts: measure and render. */
export async function runToolSearchBench(options: { quick?: boolean; log?: (line: string) => void } = {}) {
  return renderToolSearch(await measureToolSearch(options));
}

/**
 * `--dev`: the development half only (what tuning may look at) and latency over its queries; the held-out half is
 * neither ranked nor read. `--misses` adds, per development task whose acceptable tool is not in the top 5, the
 * query, what it wanted and what ranked first.
 */
export function renderDevelopment(options: { misses?: boolean } = {}): string {
  const { fixtures, queries } = loadFixtures();
  const development = queries.filter((q) => isDevelopment(q.query));
  const groups = groupsOf(fixtures);
  const index = createToolIndex(groups);
  const baseline = baselineIndex(groups);
  const rank = (q: string) => index.search(q, { limit: 50 }).map((h) => h.id);
  const ours = score(development, rank);
  const theirs = score(development, (q) => baseline(q, 50));
  const lat = latency(fiftyByTwenty(fixtures), development, 10);
  const f = (x: number) => x.toFixed(3);
  // Two halves of the development half (second byte of the hash): a change that only helps one is likely noise.
  const half = (b: number) =>
    score(
      development.filter((q) => createHash('sha256').update(q.query).digest()[1]! % 2 === b),
      rank,
    );
  const [a, b] = [half(0), half(1)];
  const lines = [
    `development half (n ${ours.queries}): recall@1 ${f(ours.recallAt1)}, recall@5 ${f(ours.recallAt5)}, ` +
      `MRR ${f(ours.mrr)}; baseline ${f(theirs.recallAt1)} / ${f(theirs.recallAt5)} / ${f(theirs.mrr)}`,
    `  its halves: A (n ${a.queries}) ${f(a.recallAt1)} / ${f(a.recallAt5)} / ${f(a.mrr)}, ` +
      `B (n ${b.queries}) ${f(b.recallAt1)} / ${f(b.recallAt5)} / ${f(b.mrr)}`,
    `latency over ${lat.tools} tools: p50 ${ms(lat.p50Ms)}, p99 ${ms(lat.p99Ms)}; build ${ms(lat.buildMs)}`,
  ];
  if (options.misses) {
    const show = (id: string) => id.replace('\0', '/');
    for (const q of development) {
      const wanted = new Set(q.expected.map(([s, name]) => toolKey(s, name)));
      const ranked = rank(q.query);
      const at = ranked.findIndex((id) => wanted.has(id));
      if (at >= 0 && at < 5) continue;
      lines.push(
        `miss (${at < 0 ? 'absent' : `#${at + 1}`}): ${q.query}`,
        `  wanted ${[...wanted].map(show).join(', ')}`,
        `  got    ${ranked.slice(0, 5).map(show).join(', ')}`,
      );
    }
  }
  return lines.join('\n');
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) &&
  process.argv.includes('--dev')
) {
  process.stdout.write(renderDevelopment({ misses: process.argv.includes('--misses') }) + '\n');
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const markdown = await runToolSearchBench({ quick, log: (l) => process.stderr.write(`[bench] ${l}\n`) });
  process.stdout.write(markdown + '\n');
  setTimeout(() => process.exit(0), 500).unref();
}
