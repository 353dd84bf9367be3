import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The Switchboard builds the benchmark runs side by side:
 * - the SOURCES of this checkout (`node main/cli.ts`, type stripping), as `npm run switchboard` runs them;
 * - the BUNDLE (`node out/cli/switchboard.mjs`), what the packaged app and an installed CLI run — rebuilt when
 *   missing or older than any source file, so it always measures the code in the checkout;
 * - optionally a BASELINE: the sources of a git revision (`--baseline HEAD`), extracted with `git archive` into a
 *   temporary folder that borrows this checkout's node_modules, so "before" and "after" meet the same machine
 *   load in the same run.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE_CLI = path.join(ROOT, 'main/cli.ts');
export const BUNDLED_CLI = path.join(ROOT, 'out/cli/switchboard.mjs');

/** Newest modification time of any file below `dir` (ms). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds out/cli/switchboard.mjs (and its chunks) unless it exists and is newer than every file in main/, preload/
 * and build/scripts/ (how it is bundled moves start-up too: docs/decisions/cold-start.md).
 */
export async function ensureCliBundle(log: (line: string) => void): Promise<string> {
  const built = fs.existsSync(BUNDLED_CLI) ? fs.statSync(BUNDLED_CLI).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'main')),
    newestMtime(path.join(ROOT, 'preload')),
    newestMtime(path.join(ROOT, 'build', 'scripts')),
    fs.statSync(path.join(ROOT, 'package.json')).mtimeMs,
  );
  if (built > sources) return BUNDLED_CLI;
  log(built === 0 ? 'building the CLI bundle' : 'CLI bundle is older than the sources: rebuilding it');
  // By URL: build/ is its own TypeScript project, outside the one bench/ belongs to.
  const script = pathToFileURL(path.join(ROOT, 'build/scripts/build.ts')).href;
  const { buildCliBundle } = (await import(script)) as {
    buildCliBundle(outFile: string): Promise<string>;
  };
  return buildCliBundle(BUNDLED_CLI);
}

export interface Baseline {
  ref: string;
  /** The short commit the ref named. */
  commit: string;
  /** main/cli.ts of that revision. */
  entry: string;
  cleanup(): void;
}

/** The sources of git revision `ref`, runnable with this checkout's node_modules. */
export function prepareBaseline(ref: string): Baseline {
  const commit = execFileSync('git', ['rev-parse', '--short', ref], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-baseline-'));
  try {
    const archive = execFileSync(
      'git',
      ['archive', '--format=tar', commit, 'main', 'preload', 'package.json'],
      {
        cwd: ROOT,
        maxBuffer: 512 * 1024 * 1024,
      },
    );
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ref,
    commit,
    entry: path.join(dir, 'main/cli.ts'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
