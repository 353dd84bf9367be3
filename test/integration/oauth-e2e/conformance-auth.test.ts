import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/cli.ts';
import { runNode } from '../../helpers/private-keyring.ts';

/**
 * The official MCP conformance runner's client AUTH scenarios against Switchboard's OAuth client (main/oauth),
 * driven by test/fixtures/oauth/conformance-auth-client.ts. Every scenario must pass except those listed,
 * with reasons, in conformance-expected-failures.json; a listed one that starts passing fails too (stale).
 */

const require = createRequire(import.meta.url);
const RUNNER = path.join(
  path.dirname(require.resolve('@modelcontextprotocol/conformance/package.json')),
  'dist/index.js',
);
const HARNESS = fileURLToPath(new URL('../../fixtures/oauth/conformance-auth-client.ts', import.meta.url));
const EXPECTED = Object.fromEntries(
  Object.entries(
    JSON.parse(
      fs.readFileSync(new URL('./conformance-expected-failures.json', import.meta.url), 'utf8'),
    ) as Record<string, string>,
  ).filter(([key]) => !key.startsWith('$')),
);
/**
 * Every client auth scenario the runner knows: `--suite auth` plus the older-spec, draft and extension ones.
 * Run one by one, a few at a time: the suite runs all of its scenarios at once, which starves the other test
 * files' real-time health checks on a two-core machine.
 */
const SCENARIOS = [
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
  'auth/2025-03-26-oauth-metadata-backcompat',
  'auth/2025-03-26-oauth-endpoint-fallback',
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
  'auth/client-credentials-jwt',
  'auth/client-credentials-basic',
  'auth/cross-app-access-complete-flow',
];
const CONCURRENCY = 3;

const out = tempDir('switchboard-conformance-auth-');
afterAll(() => out.cleanup());

const command = `"${process.execPath}" "${HARNESS}"`;
const run = (args: string[]) =>
  runNode([RUNNER, 'client', '--command', command, '-o', out.dir, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    cwd: out.dir,
    timeoutMs: 240_000,
  });

/** scenario → failed check ids, from every checks.json the runner wrote. */
function results(): Map<string, string[]> {
  const byScenario = new Map<string, string[]>();
  const root = path.join(out.dir, 'auth');
  for (const entry of fs.readdirSync(root)) {
    const scenario = `auth/${entry.replace(/-\d{4}-\d{2}-\d{2}T.*$/, '')}`;
    const checks = JSON.parse(fs.readFileSync(path.join(root, entry, 'checks.json'), 'utf8')) as {
      id: string;
      status: string;
    }[];
    byScenario.set(
      scenario,
      checks.filter((c) => c.status === 'FAILURE').map((c) => c.id),
    );
  }
  return byScenario;
}

describe('MCP conformance: client auth scenarios', () => {
  it('every scenario passes except the listed expected failures', async () => {
    // The runner's own list, so a scenario added by a newer runner is not silently skipped.
    const listed = await runNode([RUNNER, 'list'], {
      env: { ...process.env, NO_COLOR: '1' },
      timeoutMs: 60_000,
    });
    const known = [...listed.stdout.matchAll(/^\s+- (auth\/\S+)/gm)].map((m) => m[1] as string);
    expect(known.filter((s) => !SCENARIOS.includes(s))).toEqual([]);
    const queue = [...SCENARIOS];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let scenario = queue.shift(); scenario !== undefined; scenario = queue.shift()) {
          await run(['--scenario', scenario]);
        }
      }),
    );
    const byScenario = results();
    expect([...byScenario.keys()].sort()).toEqual([...SCENARIOS].sort());
    const unexpected: Record<string, string[]> = {};
    const stale: string[] = [];
    for (const [scenario, failed] of byScenario) {
      if (failed.length > 0 && !(scenario in EXPECTED)) unexpected[scenario] = failed;
      if (failed.length === 0 && scenario in EXPECTED) stale.push(scenario);
    }
    expect(unexpected).toEqual({});
    expect(stale).toEqual([]);
    for (const scenario of Object.keys(EXPECTED)) expect(byScenario.has(scenario), scenario).toBe(true);
  }, 300_000);
});
