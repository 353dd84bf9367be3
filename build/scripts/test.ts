/**
 * `npm test`: Vitest (unit + integration), then Playwright (the UI in Chromium) — ALWAYS both, one after
 * the other, and a non-zero exit when either failed. `vitest run && playwright test` hid the whole UI
 * half whenever one Vitest test failed. They run in sequence, not side by side: each already fills the
 * two cores this project is tested on.
 *
 * The last line is one total, e.g. `tests: 640 passed, 0 failed, 3 skipped`, read from the runners' JSON
 * reports in test-results/ (git-ignored); a runner that ended without a report is named with its exit
 * code, so no exit code goes unexplained.
 *
 * `npm run screenshots` (this script with --screenshots) runs the Playwright half alone with
 * SWITCHBOARD_SCREENSHOTS=1, which retakes the committed pictures in docs/screenshots/
 * (test/e2e/helpers.ts); `npm test` never writes there.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = path.join(ROOT, 'test-results');
const require = createRequire(path.join(ROOT, 'package.json'));

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface HalfResult {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  counts: Counts | undefined;
}

/** A package's command-line script (its package.json "bin"), run with this very Node (the pinned one). */
function binOf(pkg: string, bin: string): string {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  if (!relative) throw new Error(`${pkg} has no "${bin}" command`);
  return path.join(path.dirname(manifestPath), relative);
}

function run(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env, stdio: 'inherit' });
    child.once('error', (error) => {
      process.stderr.write(`test: could not start ${script}: ${error.message}\n`);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Vitest's JSON reporter (Jest-compatible totals). */
function vitestCounts(report: unknown): Counts | undefined {
  const r = report as
    | { numPassedTests?: number; numFailedTests?: number; numPendingTests?: number; numTodoTests?: number }
    | undefined;
  if (typeof r?.numPassedTests !== 'number') return undefined;
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests ?? 0,
    skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
  };
}

/** Playwright's JSON reporter: `expected` passed, `unexpected` failed, `flaky` passed on a retry. */
function playwrightCounts(report: unknown): Counts | undefined {
  const s = (
    report as
      { stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number } } | undefined
  )?.stats;
  if (typeof s?.expected !== 'number') return undefined;
  return { passed: s.expected + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

export async function runVitest(env: NodeJS.ProcessEnv = process.env): Promise<HalfResult> {
  const report = path.join(RESULTS, 'vitest.json');
  fs.rmSync(report, { force: true });
  const { code, signal } = await run(
    binOf('vitest', 'vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    env,
  );
  return { name: 'Vitest', code, signal, counts: vitestCounts(readJson(report)) };
}

export async function runPlaywright(env: NodeJS.ProcessEnv = process.env): Promise<HalfResult> {
  // playwright.config.ts writes this report (beside its usual reporters).
  const report = path.join(RESULTS, 'playwright.json');
  fs.rmSync(report, { force: true });
  const { code, signal } = await run(binOf('@playwright/test', 'playwright'), ['test'], env);
  return { name: 'Playwright', code, signal, counts: playwrightCounts(readJson(report)) };
}

/** One line per half that failed, naming the cause; then the total. Returns the exit code for the run. */
export function summarize(results: HalfResult[], write: (line: string) => void): number {
  let failed = false;
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    if (r.counts) {
      total.passed += r.counts.passed;
      total.failed += r.counts.failed;
      total.skipped += r.counts.skipped;
    }
    if (r.code === 0 && r.counts && r.counts.failed === 0 && r.counts.passed > 0) {
      write(`test: ${r.name}: ${r.counts.passed} passed, ${r.counts.skipped} skipped`);
      continue;
    }
    failed = true;
    const how = r.signal
      ? `was killed by ${r.signal}`
      : r.code === null
        ? 'could not start'
        : `exited ${r.code}`;
    if (!r.counts) write(`test: ${r.name} ${how} without writing its report (see its output above)`);
    else if (r.counts.failed > 0) write(`test: ${r.name} ${how}: ${r.counts.failed} failed (listed above)`);
    else if (r.counts.passed === 0) write(`test: ${r.name} ${how}: it ran no test`);
    else write(`test: ${r.name} ${how} although no test failed (an error outside the tests, see above)`);
  }
  write(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  // Only --screenshots retakes docs/screenshots/: a SWITCHBOARD_SCREENSHOTS left in the shell must not.
  const { SWITCHBOARD_SCREENSHOTS: _ignored, ...plainEnv } = process.env;
  const results = process.argv.includes('--screenshots')
    ? [await runPlaywright({ ...plainEnv, SWITCHBOARD_SCREENSHOTS: '1' })]
    : [await runVitest(plainEnv), await runPlaywright(plainEnv)];
  const code = summarize(results, (line) => process.stdout.write(line + '\n'));
  process.stdout.write(`test: took ${Math.round((Date.now() - started) / 1000)} s\n`);
  process.exitCode = code;
}
