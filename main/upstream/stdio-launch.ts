import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { ResolvedServer } from '../env/resolve-definition.ts';
import { buildChildEnv } from './child-env.ts';
import type { LineRing } from './line-buffer.ts';
import type { PidRegistry } from './pid-registry.ts';
import { readProcessIdentity } from './process-identity.ts';
import type { ExitInfo } from './stdio-process-transport.ts';
import { StdioProcessTransport } from './stdio-process-transport.ts';

/**
 * Builds the transport of one stdio upstream with the pool's bookkeeping attached: the child's environment
 * (login-shell PATH, no hub secrets), redacted stderr into the server's ring, garbage stdout into the log,
 * and the pid file kept in step with spawn and exit.
 */

export interface StdioLaunchOptions {
  prefix: string;
  server: Extract<ResolvedServer, { transport: 'stdio' }>;
  /** PATH the child gets (login shell). */
  path: string;
  processEnv: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  killGraceMs: number;
  stderr: LineRing;
  redactor: Redactor;
  log: Logger;
  clock: Clock;
  pids?: PidRegistry;
  onExit(info: ExitInfo): void;
}

/** A StdioProcessTransport for `options.server`, wired to the pool's logs, stderr ring and pid file. */
export function launchStdio(options: StdioLaunchOptions): StdioProcessTransport {
  const { prefix, server, redactor } = options;
  let exited = false;
  return new StdioProcessTransport({
    command: server.command,
    args: server.args,
    ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
    env: buildChildEnv({
      resolved: server.env,
      path: options.path,
      processEnv: options.processEnv,
      platform: options.platform,
    }),
    platform: options.platform,
    killGraceMs: options.killGraceMs,
    onStderrLine: (line) => options.stderr.push({ at: options.clock.now(), text: redactor.redact(line) }),
    onGarbageLine: (line) =>
      options.log.warn('upstream wrote a line that is not JSON-RPC to stdout; skipped', {
        prefix,
        line: redactor.redact(line.length > 500 ? `${line.slice(0, 500)}…` : line),
      }),
    onSpawn: (pid) => {
      // The identity is read asynchronously: a server that exits at once must not leave an entry behind (with
      // no identity, or after its exit already removed it), and a process already gone has nothing to reap.
      void readProcessIdentity(pid, options.platform).then((identity) => {
        if (identity === undefined || exited) return;
        options.pids?.add({
          prefix,
          pid,
          identity,
          command: redactor.redact([server.command, ...server.args].join(' ')),
          startedAt: new Date(options.clock.now()).toISOString(),
        });
      });
    },
    onExit: (info) => {
      exited = true;
      options.pids?.remove(info.pid);
      options.onExit(info);
    },
  });
}
