import type { Command } from 'commander';
import type { RunningGateway } from '../gateway/http/start-gateway-server.ts';
import type { CliContext } from './context.ts';
import { parsePortOption } from './port-option.ts';

/** What `serve` needs from the hub (main/hub.ts): start the gateway, and close everything after. */
export interface ServeHub {
  /**
   * Starts the gateway core and its HTTP front on `port` (default: the `gateway.port` setting). The
   * returned close() ends sessions, then closes the core; hub.close() then stops the upstream pool.
   */
  startGateway(options: { port?: number }): Promise<RunningGateway>;
  close(): void | Promise<void>;
}

export interface RunServeOptions {
  hub: ServeHub;
  port?: number;
  /** Resolves with the signal name when the process should stop. */
  stopSignal: Promise<string>;
  /** A line for people, on stderr. */
  note(line: string): void;
}

/** Runs the gateway until the stop signal, then shuts down in order: sessions, core, pool. */
export async function runServe(options: RunServeOptions): Promise<void> {
  const gateway = await options.hub.startGateway(options.port === undefined ? {} : { port: options.port });
  options.note(`Switchboard gateway listening on ${gateway.url} (Ctrl+C to stop)`);
  const signal = await options.stopSignal;
  options.note(`${signal}: shutting down`);
  await gateway.close();
  await options.hub.close();
  options.note('stopped');
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once (a shutdown that hangs). */
export function onStopSignal(proc: NodeJS.Process = process): { promise: Promise<string>; dispose(): void } {
  let received: string | undefined;
  let resolve!: (signal: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals) => {
    if (received !== undefined) {
      proc.stderr.write(`${signal} again: exiting without waiting\n`);
      proc.exit(130);
    }
    received = signal;
    resolve(signal);
  };
  proc.on('SIGINT', handler);
  proc.on('SIGTERM', handler);
  return {
    promise,
    dispose() {
      proc.off('SIGINT', handler);
      proc.off('SIGTERM', handler);
    },
  };
}

/** `switchboard serve [--port N]`: the headless hub; logs on stderr; stops cleanly on SIGINT/SIGTERM. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the MCP gateway headless (for machines without the desktop app, CI, and tests)')
    .option(
      '--port <n>',
      'gateway port on 127.0.0.1 and ::1 (default: the gateway.port setting, 17517)',
      parsePortOption,
    )
    .action(async (options: { port?: number }) => {
      const stop = onStopSignal();
      try {
        const hub: ServeHub = await ctx.hub();
        await runServe({
          hub,
          ...(options.port !== undefined && { port: options.port }),
          stopSignal: stop.promise,
          note: (line) => ctx.out.note(line),
        });
      } finally {
        stop.dispose();
      }
    });
}
