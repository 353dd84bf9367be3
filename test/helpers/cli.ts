import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, type NodeRun } from './private-keyring.ts';

/** Absolute path of the headless entry, run with the pinned Node exactly as `npm run switchboard` does. */
export const CLI_ENTRY = fileURLToPath(new URL('../../main/cli.ts', import.meta.url));

/** Runs `switchboard --data-dir DIR …args` in a child process. */
export function runCli(
  dataDir: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<NodeRun> {
  return runNode([CLI_ENTRY, '--data-dir', dataDir, ...args], options);
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'switchboard-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every file below `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(bytes)) hits.push(file);
  }
  return hits;
}
