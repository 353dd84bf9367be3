import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn as nodeSpawn } from 'node:child_process';
import fs from 'node:fs';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { serializeMessage } from '@modelcontextprotocol/client';
import { SwitchboardError } from '../lib/errors.ts';
import { parseJsonRpcLine } from './json-rpc-line.ts';
import { createLineSplitter } from './line-buffer.ts';
import { signalGroup, terminateTree } from './process-tree.ts';
import { settlesWithin } from './timeouts.ts';
import { planWindowsSpawn } from './windows-command.ts';

/**
 * Our own stdio Transport, because the SDK's StdioClientTransport neither makes a process group nor kills
 * grandchildren (`npx` → `node server.js` survives it). The child leads its own process group (POSIX), its
 * stdout is framed as newline-delimited JSON (json-rpc-line.ts), a line that is not JSON-RPC is reported and skipped
 * instead of killing the connection (many servers print banners), and stderr is handed out line by line.
 */

export interface StdioProcessOptions {
  command: string;
  args: string[];
  /** The complete environment of the child (see buildChildEnv); nothing else is inherited. */
  env: Record<string, string>;
  cwd?: string;
  /** Called with each stderr line (unredacted: the caller redacts before storing). */
  onStderrLine?: (line: string) => void;
  /** Called with each stdout line that is not a JSON-RPC message. */
  onGarbageLine?: (line: string) => void;
  /** Called once the child exists, with its pid (the pool records it in the pid file). */
  onSpawn?: (pid: number) => void;
  /** Called once the child exited (before onclose). */
  onExit?: (info: ExitInfo) => void;
  /** Time to wait after closing stdin before SIGTERM (servers that exit on EOF do so quickly). */
  stdinGraceMs?: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  platform?: NodeJS.Platform;
  spawn?: (file: string, args: string[], options: SpawnOptions) => ChildProcess;
}

export interface ExitInfo {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when close() asked for it (a stop), false for a crash. */
  requested: boolean;
}

/** A Transport over a spawned child process whose whole tree we own. */
export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private readonly options: StdioProcessOptions;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private closing = false;
  private closed = false;
  private stderrEnded: Promise<void> = Promise.resolve();
  private delivery: Promise<void> = Promise.resolve();

  constructor(options: StdioProcessOptions) {
    this.options = options;
  }

  /** Pid of the child (and id of its process group on POSIX); undefined before start. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the child; rejects with UPSTREAM_UNAVAILABLE naming the command when it cannot be started. */
  start(): Promise<void> {
    if (this.child) throw new Error('StdioProcessTransport already started');
    const cwd = this.options.cwd;
    // Node reports a missing cwd as "spawn <command> ENOENT", which reads like a missing command.
    if (cwd !== undefined && !(fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory() ?? false)) {
      return Promise.reject(
        new SwitchboardError(
          'UPSTREAM_UNAVAILABLE',
          `cannot start "${this.options.command}": its working folder ${cwd} does not exist`,
        ),
      );
    }
    const platform = this.options.platform ?? process.platform;
    const spawn = this.options.spawn ?? nodeSpawn;
    const plan =
      platform === 'win32'
        ? planWindowsSpawn(this.options.command, this.options.args, {
            path: this.options.env.Path ?? this.options.env.PATH ?? '',
            pathExt: this.options.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD',
            comspec: this.options.env.COMSPEC ?? 'cmd.exe',
            cwd: this.options.cwd ?? process.cwd(),
            isFile: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false,
          })
        : { file: this.options.command, args: this.options.args, windowsVerbatimArguments: false };

    const child = spawn(plan.file, plan.args, {
      env: this.options.env,
      ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
      stdio: ['pipe', 'pipe', 'pipe'],
      // POSIX: the child leads a new process group, so one signal reaches the whole tree. On Windows
      // `detached` would open a console window instead; taskkill /T walks the tree there.
      detached: platform !== 'win32',
      windowsHide: true,
      windowsVerbatimArguments: plan.windowsVerbatimArguments,
    });
    this.child = child;

    const stdout = createLineSplitter();
    child.stdout?.on('data', (chunk: Buffer) => this.handleStdout(stdout.push(chunk)));
    child.stdout?.on('end', () => this.handleStdout(stdout.end()));
    const stderr = createLineSplitter(64 * 1024);
    child.stderr?.on('data', (chunk: Buffer) =>
      stderr.push(chunk).forEach((line) => this.options.onStderrLine?.(line)),
    );
    this.stderrEnded = new Promise((resolve) => {
      child.stderr?.on('end', () => {
        stderr.end().forEach((line) => this.options.onStderrLine?.(line));
        resolve();
      });
    });
    // EPIPE after the child died: the exit handler reports the real cause.
    child.stdin?.on('error', (error) => this.onerror?.(error));

    this.exited = new Promise((resolve) => {
      // 'exit', not 'close': 'close' waits until every holder of the pipes is gone, and an orphaned
      // grandchild can hold them forever. The leader's exit is what tells callers the server is gone.
      child.once('exit', (code, signal) => {
        const pid = child.pid ?? 0;
        const requested = this.closing;
        // Whatever the leader left behind in its group is now an orphan: finish it off.
        if (pid > 0 && platform !== 'win32') signalGroup(pid, 'SIGKILL');
        this.options.onExit?.({ pid, code, signal, requested });
        this.finish();
        resolve();
      });
    });

    return new Promise((resolve, reject) => {
      child.once('spawn', () => {
        if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
        resolve();
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        const failure = spawnError(this.options.command, error, this.options.env);
        if (child.pid === undefined) {
          this.finish();
          reject(failure);
        } else this.onerror?.(failure);
      });
    });
  }

  /** Resolves once everything the child wrote to stderr was delivered (bounded: a grandchild may hold the pipe). */
  whenStderrDrained(timeoutMs = 250): Promise<void> {
    return settlesWithin(this.stderrEnded, timeoutMs).then(() => undefined);
  }

  /** Writes one message as a line of JSON; resolves when the pipe accepted it. */
  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || stdin.destroyed) {
      return Promise.reject(
        new SwitchboardError('UPSTREAM_UNAVAILABLE', 'the server process is not running'),
      );
    }
    // Messages sent in the same tick (concurrent calls) leave in one write(2): the pipe is corked until the
    // tick ends. A lone message costs the same single write as before.
    if (!stdin.writableCorked) {
      stdin.cork();
      process.nextTick(() => stdin.uncork());
    }
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Stops the whole tree: close stdin, SIGTERM the group after a moment, SIGKILL after the grace period. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.closed) {
      this.finish();
      return;
    }
    this.closing = true;
    const exited = this.exited ?? Promise.resolve();
    try {
      child.stdin?.end();
    } catch {
      // Already closed.
    }
    const stdinGrace = this.options.stdinGraceMs ?? 300;
    const exitedInTime = await settlesWithin(exited, stdinGrace);
    const pid = child.pid;
    if (pid !== undefined) {
      const platform = this.options.platform ?? process.platform;
      // Even when the leader left on EOF, grandchildren may still be running in its group.
      if (!exitedInTime || platform !== 'win32')
        await terminateTree(pid, { graceMs: this.options.killGraceMs ?? 2000, platform });
    }
    await settlesWithin(exited, 5000);
    this.finish();
  }

  private handleStdout(lines: string[]): void {
    for (const line of lines) {
      if (line.trim() === '') continue;
      const message = parseJsonRpcLine(line);
      if (message === undefined) {
        this.options.onGarbageLine?.(line);
        continue;
      }
      // One microtask hop per message: the SDK dispatches notifications in a microtask but responses at once,
      // so a progress notification and the response that follows it in the same chunk would otherwise race,
      // and the last progress update would be dropped as "unknown token".
      this.delivery = this.delivery
        .then(() => this.onmessage?.(message))
        .catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

function spawnError(
  command: string,
  error: NodeJS.ErrnoException,
  env: Record<string, string>,
): SwitchboardError {
  if (error.code === 'ENOENT') {
    return new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `cannot start "${command}": command not found on PATH (${env.PATH ?? env.Path ?? ''}); install it or use an absolute path`,
      { cause: error },
    );
  }
  if (error.code === 'EACCES') {
    return new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `cannot start "${command}": permission denied (is it executable?)`,
      {
        cause: error,
      },
    );
  }
  return new SwitchboardError('UPSTREAM_UNAVAILABLE', `cannot start "${command}": ${error.message}`, {
    cause: error,
  });
}
