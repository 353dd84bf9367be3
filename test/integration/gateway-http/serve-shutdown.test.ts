import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readGatewayInfo, gatewayInfoPath } from '../../../main/gateway/http/gateway-info-file.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every descendant of `pid` (Linux /proc walk through `ps`). */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const result: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        result.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return result;
}
/** Running (a zombie waiting for a reaper that is not ours does not count: it holds nothing). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};
/** The processes of `tree` still running after a short grace period (signals take a moment to land). */
async function survivors(tree: number[]): Promise<number[]> {
  for (let i = 0; i < 40; i++) {
    if (!tree.some(alive)) return [];
    await new Promise((r) => setTimeout(r, 50));
  }
  return tree.filter(alive);
}

async function serveAndStop(args: string[], dataDir: string) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Up: the gateway wrote its info file and answers its health check.
  for (let i = 0; i < 200; i++) {
    const info = readGatewayInfo(gatewayInfoPath(dataDir));
    if (
      info &&
      (await fetch(`http://127.0.0.1:${info.port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(stderr).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/mcp/);
  const tree = descendants(child.pid!);
  child.kill('SIGTERM');
  const code = await Promise.race([
    exited,
    new Promise<string>((r) => setTimeout(() => r('timeout'), 15_000)),
  ]);
  return { code, tree, stderr };
}

describe('serve shuts down on SIGTERM', () => {
  it('closes sessions, core and pool, and leaves no process of its tree (fake hub)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-serve-'));
    dirs.push(dataDir);
    const { code, tree, stderr } = await serveAndStop(
      ['test/integration/gateway-http/fixtures/serve-with-fake-hub.ts', '--data-dir', dataDir],
      dataDir,
    );
    expect(code).toBe(0);
    expect(tree.length).toBeGreaterThanOrEqual(2); // the shell and its sleeps
    expect(await survivors(tree)).toEqual([]);
    expect(stderr).toMatch(/SIGTERM: shutting down[\s\S]*stopped/);
    expect(fs.existsSync(gatewayInfoPath(dataDir))).toBe(false);
  });

  it('the real `switchboard serve` leaves no process of its tree', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-serve-cli-'));
    dirs.push(dataDir);
    const { code, tree } = await serveAndStop(
      ['main/cli.ts', '--data-dir', dataDir, 'serve', '--port', '0'],
      dataDir,
    );
    expect(code).toBe(0);
    expect(await survivors(tree)).toEqual([]);
  });
});
