import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Hub } from '../hub.ts';
import type { CliContext } from './context.ts';
import { startHubServices } from '../services.ts';
import { createCliOpener } from '../oauth/browser-opener.ts';

/** Parses a `--port` value: 1–65535, or 0 for "any free port" (tests, side-by-side runs). */
export function parsePortOption(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError('must be a port number (0-65535)');
  }
  return Number(value);
}

/** The hub's long-running parts once started: the gateway URL, and an orderly close. */
export interface RunningServices {
  /** The gateway's aggregate endpoint, e.g. http://127.0.0.1:17517/mcp. */
  url: string;
  /** Ends sessions (HTTP front), then closes the core, then the pool, leaving no child process. */
  close(): Promise<void>;
}

/** Starts the hub's services; `port` overrides the gateway.port setting. */
export type StartServices = (hub: Hub, options: { port?: number }) => Promise<RunningServices>;

/** The real thing: pool, gateway, health and OAuth over the hub; the CLI opens browsers with the system opener. */
export const startServicesForCli: StartServices = async (hub, options) => {
  const services = await startHubServices(hub, {
    ...options,
    openBrowser: createCliOpener({ print: (text) => process.stderr.write(text + '\n') }),
  });
  return { url: services.gateway()?.url ?? '', close: () => services.close() };
};

export interface RunServeOptions {
  hub: Hub;
  startServices: StartServices;
  port?: number;
  /** Resolves with the signal name when the process should stop. */
  stopSignal: Promise<string>;
  /** A line for people, on stderr. */
  note(line: string): void;
}

/** Runs the hub's services until the stop signal, then shuts down in order: sessions, core, pool, database. */
export async function runServe(options: RunServeOptions): Promise<void> {
  const services = await options.startServices(
    options.hub,
    options.port === undefined ? {} : { port: options.port },
  );
  options.note(`Switchboard gateway listening on ${services.url} (Ctrl+C to stop)`);
  const signal = await options.stopSignal;
  options.note(`${signal}: shutting down`);
  await services.close();
  options.hub.close();
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
export function registerServeCommand(program: Command, ctx: CliContext, startServices?: StartServices): void {
  program
    .command('serve')
    .description('run the MCP gateway headless (for machines without the desktop app, CI, and tests)')
    .option(
      '--port <n>',
      'gateway port on 127.0.0.1 and ::1 (default: the gateway.port setting, 17517; 0 = any free port)',
      parsePortOption,
    )
    .action(async (options: { port?: number }) => {
      const stop = onStopSignal();
      try {
        await runServe({
          hub: await ctx.hub(),
          startServices: startServices ?? startServicesForCli,
          ...(options.port !== undefined && { port: options.port }),
          stopSignal: stop.promise,
          note: (line) => ctx.out.note(line),
        });
      } finally {
        stop.dispose();
      }
    });
}
