import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { createFakeCore, startTestGateway } from '../../helpers/gateway-harness.ts';
import { createConformanceServer } from './fixtures/conformance-server.ts';

/**
 * The official conformance suite (`@modelcontextprotocol/conformance server`) against the front, with the
 * token required as shipped (fixtures/inject-bearer.ts adds it: the CLI has no header option).
 * Needs the devDependency; set SWITCHBOARD_CONFORMANCE_BIN to a dist/index.js to use another copy.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const INSTALLED = path.join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const BIN = process.env.SWITCHBOARD_CONFORMANCE_BIN ?? (fs.existsSync(INSTALLED) ? INSTALLED : undefined);
const PRELOAD = path.join(ROOT, 'test/integration/gateway-http/fixtures/inject-bearer.ts');

const BASELINE = path.join(ROOT, 'test/integration/gateway-http/fixtures/conformance-baseline.yml');

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
}

interface Run {
  code: number | null;
  output: string;
  checks: Check[];
}

/** Runs the CLI against `url` (one scenario, or the whole active suite with the baseline). */
async function runSuite(gw: TestGateway, url: string, scenario?: string): Promise<Run> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-conformance-'));
  const args = ['--import', PRELOAD, BIN!, 'server', '--url', url, '-o', out];
  args.push(...(scenario ? ['--scenario', scenario] : ['--expected-failures', BASELINE]));
  try {
    // Async on purpose: the gateway under test runs in this very process.
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = execFile(process.execPath, args, {
        env: { ...process.env, SB_TEST_BEARER: gw.token, SB_TEST_ORIGIN: gw.origin },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      let output = '';
      child.stdout?.on('data', (d: string) => (output += d));
      child.stderr?.on('data', (d: string) => (output += d));
      child.on('exit', (c) => resolve({ code: c, output }));
    });
    const files = fs
      .readdirSync(out, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('checks.json'));
    const checks = files.flatMap((f) => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')) as Check[]);
    return { code, output, checks };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const failures = (checks: Check[]) =>
  checks.filter((c) => c.status === 'FAILURE').map((c) => `${c.id}: ${c.errorMessage ?? ''}`);
const summary = (run: Run) => run.output.slice(run.output.indexOf('=== SUMMARY ==='));

describe.skipIf(BIN === undefined)('official conformance suite', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ core: createFakeCore(['fake'], { conformance: createConformanceServer }) });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('dns-rebinding-protection passes on /mcp (token required, as shipped)', async () => {
    const run = await runSuite(gw, gw.url, 'dns-rebinding-protection');
    expect(run.checks.length).toBeGreaterThan(0);
    expect(failures(run.checks)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('the whole active server suite passes on /mcp/conformance (fixture through the fake core)', async () => {
    const run = await runSuite(gw, `${gw.url}/conformance`);
    expect(run.checks.length).toBeGreaterThan(25);
    expect(run.code, summary(run)).toBe(0);
  });

  // The same suite through the REAL core and a real upstream: test/integration/e2e/conformance.test.ts.
});
