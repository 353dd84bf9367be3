import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Peer gateways for the side-by-side benchmark, installed at bench time into a folder OUTSIDE the project
 * (`npm install --prefix <dir>`), so they never become project dependencies. The folder is reused between runs;
 * SWITCHBOARD_BENCH_PEERS_DIR picks another one.
 */

export const PEER_PACKAGES = {
  supergateway: 'supergateway@4',
  'mcp-hub': 'mcp-hub@4',
  'mcp-proxy': 'mcp-proxy@6',
} as const;
export type PeerName = keyof typeof PEER_PACKAGES;

export interface InstalledPeers {
  dir: string;
  /** Absolute path of each peer's CLI entry, with its version; or why it is unavailable. */
  peers: Record<PeerName, { entry: string; version: string } | { unavailable: string }>;
}

export function peersDir(): string {
  return process.env.SWITCHBOARD_BENCH_PEERS_DIR ?? path.join(os.tmpdir(), 'switchboard-bench-peers');
}

function locate(dir: string, name: PeerName): { entry: string; version: string } | undefined {
  const pkgFile = path.join(dir, 'node_modules', name, 'package.json');
  if (!fs.existsSync(pkgFile)) return undefined;
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as {
    version: string;
    bin?: string | Record<string, string>;
  };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.[name] ?? Object.values(pkg.bin ?? {})[0]);
  if (bin === undefined) return undefined;
  return { entry: path.join(path.dirname(pkgFile), bin), version: pkg.version };
}

/** npm, run the way the current `npm run` runs it when possible (same npm, pinned Node on PATH). */
function npmCommand(): { command: string; args: string[] } {
  const execpath = process.env.npm_execpath;
  if (execpath && /npm-cli\.js$/.test(execpath)) return { command: process.execPath, args: [execpath] };
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

/** Installs the peers when missing (bounded by `timeoutMs`); never throws: a failure becomes a reason. */
export async function ensurePeers(log: (line: string) => void, timeoutMs = 300_000): Promise<InstalledPeers> {
  const dir = peersDir();
  fs.mkdirSync(dir, { recursive: true });
  const missing = (Object.keys(PEER_PACKAGES) as PeerName[]).filter(
    (name) => locate(dir, name) === undefined,
  );
  let installError: string | undefined;
  if (missing.length > 0) {
    log(`installing peers into ${dir}: ${missing.map((n) => PEER_PACKAGES[n]).join(', ')}`);
    const npm = npmCommand();
    const args = [
      ...npm.args,
      'install',
      '--prefix',
      dir,
      '--no-audit',
      '--no-fund',
      '--no-save',
      // All of them, not only the missing ones: `npm install --no-save` prunes what it was not asked for.
      ...Object.values(PEER_PACKAGES),
    ];
    installError = await new Promise<string | undefined>((resolve) => {
      const child = spawn(npm.command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve(`npm could not run: ${error.message}`);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(
          code === 0
            ? undefined
            : `npm install exited ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`,
        );
      });
    });
  }
  const peers = {} as InstalledPeers['peers'];
  for (const name of Object.keys(PEER_PACKAGES) as PeerName[]) {
    peers[name] = locate(dir, name) ?? { unavailable: installError ?? `${name} is not installed in ${dir}` };
  }
  return { dir, peers };
}
