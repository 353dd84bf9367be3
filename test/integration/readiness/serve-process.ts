import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI_ENTRY } from '../../helpers/cli.ts';

/** `switchboard serve --port 0` in a child process, with its stderr (the hub's log) collected. */
export interface ServeProcess {
  child: ChildProcess;
  origin: string;
  port: number;
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export async function startServe(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI_ENTRY, '--data-dir', dataDir, 'serve', '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), timeoutMs);
    const check = () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`serve exited early: ${stderr}`));
    });
  });
  return {
    child,
    port,
    origin: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Pids of processes whose command line contains `marker` (Linux /proc; empty elsewhere). */
export function processesWith(marker: string): number[] {
  if (process.platform !== 'linux') return [];
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const cmdline = fs.readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8');
      return cmdline.includes(marker) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}
