import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { dataFiles } from '../../../main/lib/paths.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import { createFakeClock, makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';

// Real wall-clock kills are the point of this test, so it uses real timers, bounded everywhere.
const CHILD = fileURLToPath(new URL('../../fixtures/registry/add-servers-until-killed.ts', import.meta.url));
const ROUNDS = 20;
const CHILD_MAX_SECONDS = 10; // the child stops itself even if a kill never comes
const READY_TIMEOUT_MS = 15_000;

const live = new Set<ChildProcess>();

afterEach(() => {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
  removeTempDirs();
});

interface Run {
  /** Prefixes the child printed as committed (only complete lines count). */
  committed: string[];
  signal: NodeJS.Signals | null;
}

/** Starts the child, kills it `delayMs` after it printed `from`, and collects what it reported. */
function runAndKill(dataDir: string, tag: string, delayMs: number, from: 'opening' | 'ready'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, tag, String(CHILD_MAX_SECONDS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const scheduleKill = () => {
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const readyTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never became ready:\n${stderr}`));
    }, READY_TIMEOUT_MS);

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes(`${from}\n`)) scheduleKill();
      if (stdout.includes('ready\n')) clearTimeout(readyTimer);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      live.delete(child);
      clearTimeout(readyTimer);
      clearTimeout(killTimer);
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`child failed (code ${code}):\n${stderr}`));
        return;
      }
      // A line without its newline was cut by the kill: it does not count as reported.
      const lines = stdout.split('\n').slice(0, -1);
      resolve({ committed: lines.filter((l) => l !== 'opening' && l !== 'ready'), signal });
    });
  });
}

/** A whole number of milliseconds in [min, max]. */
function randomDelay(min = 20, max = 200): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** Opens the database as the app would and checks integrity and that every reported prefix is there. */
function verify(dataDir: string, reported: readonly string[]): number {
  const database = openDatabase({ file: dataFiles(dataDir).database, clock: createFakeClock() });
  try {
    expect(database.connection.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(database.connection.pragma('foreign_key_check')).toEqual([]);
    expect(database.schemaVersion).toBe(database.appSchemaVersion);
    const stored = new Set(
      database.connection.prepare('SELECT prefix FROM servers').pluck().all() as string[],
    );
    const missing = reported.filter((prefix) => !stored.has(prefix));
    expect(missing).toEqual([]);
    return stored.size;
  } finally {
    database.close();
  }
}

describe('durability under SIGKILL', () => {
  it(`keeps every reported commit and stays intact across ${ROUNDS} random kills`, async () => {
    const dataDir = makeTempDir('durability');
    const reported: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const run = await runAndKill(dataDir, `r${round}`, randomDelay(), 'ready');
      reported.push(...run.committed);
      const stored = verify(dataDir, reported);
      // Uncommitted work may or may not have landed, but nothing reported may be missing.
      expect(stored).toBeGreaterThanOrEqual(reported.length);
    }
    // The test is only meaningful if the kills landed while commits were happening.
    expect(reported.length).toBeGreaterThan(ROUNDS);
  }, 120_000);

  it('survives kills while a fresh database is being created and migrated', async () => {
    // Creating and migrating takes a few milliseconds, so aim 0–15 ms after the child starts opening.
    for (let attempt = 0; attempt < 8; attempt++) {
      const dataDir = makeTempDir('durability-fresh');
      const run = await runAndKill(dataDir, 'f', randomDelay(0, 15), 'opening');
      verify(dataDir, run.committed);
    }
  }, 120_000);
});
