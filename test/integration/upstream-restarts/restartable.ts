import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * HTTP upstreams a test can kill and start again on the same port: the real server-everything from npm and our
 * restartable fixture. Everything binds or is reached on 127.0.0.1 only; every process is SIGKILLed by
 * `close()` (call it in afterEach), and the fixture also exits on its own after its TTL.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
export const EVERYTHING_ENTRY = path.join(
  root,
  'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
export const RESTARTABLE_FIXTURE = path.join(root, 'test/fixtures/servers/restartable-server.ts');

export interface Restartable {
  readonly url: string;
  readonly port: number;
  /** Pid of the running process (undefined while it is down). */
  pid(): number | undefined;
  /** Starts the process and resolves once its port accepts connections. */
  start(): Promise<void>;
  /** SIGKILLs the process and waits until it is gone. */
  kill(): Promise<void>;
  /** Kills it, then starts it again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** server-everything in `streamableHttp` or `sse` mode (it listens on every interface; we talk to 127.0.0.1). */
export async function serverEverything(mode: 'streamableHttp' | 'sse'): Promise<Restartable> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`;
  return restartable(url, port, () =>
    spawn(process.execPath, [EVERYTHING_ENTRY, mode], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['pipe', 'ignore', 'ignore'],
    }),
  );
}

/** Our restartable fixture (see restartable-server.ts for the flags). */
export async function restartableFixture(
  options: { unknownSession?: 400 | 404; sse?: boolean; noGetStream?: boolean } = {},
): Promise<Restartable> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/${options.sse ? 'sse' : 'mcp'}`;
  const args = [
    RESTARTABLE_FIXTURE,
    `--port=${port}`,
    `--unknown-session=${options.unknownSession ?? 404}`,
    '--ttl=120000',
    ...(options.sse ? ['--sse'] : []),
    ...(options.noGetStream ? ['--no-get-stream'] : []),
  ];
  return restartable(url, port, () =>
    spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'inherit'] }),
  );
}

function restartable(url: string, port: number, launch: () => ChildProcess): Restartable {
  let child: ChildProcess | undefined;
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await gone;
  };
  const start = async () => {
    if (child) throw new Error('already running');
    const started = launch();
    child = started;
    const exited = new Promise<never>((_, reject) =>
      started.once('exit', (code, signal) =>
        reject(new Error(`server on port ${port} exited early (${code ?? signal})`)),
      ),
    );
    exited.catch(() => {});
    await Promise.race([waitForPort(port, 60_000), exited]);
  };
  return {
    url,
    port,
    pid: () => child?.pid,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    close: kill,
  };
}

/** Resolves once 127.0.0.1:port accepts a TCP connection; rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
