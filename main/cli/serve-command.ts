import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Hub } from '../hub.ts';
import type { CliContext } from './context.ts';

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
  /** With `--ui`: the web UI address, with this launch's token (printed once, never logged). */
  uiUrl?: string;
  /** Set when the web UI was asked for but the renderer is not built. */
  uiProblem?: string;
  /** Ends sessions (HTTP front), then closes the core, then the pool, leaving no child process. */
  close(): Promise<void>;
}

/** Starts the hub's services; `port` overrides the gateway.port setting; `ui` also serves the web UI. */
export type StartServices = (hub: Hub, options: { port?: number; ui?: boolean }) => Promise<RunningServices>;

/** The real thing: pool, gateway, health and OAuth in this process, plus the web UI when asked. */
export const startServicesForCli: StartServices = async (hub, options) => {
  // Loaded only for --ui: the web UI pulls in the contract and its handlers, which serve alone never needs.
  const webUi = options.ui
    ? (await import('../web/web-ui.ts')).createWebUi({ hub, version: APP_VERSION })
    : undefined;
  const runtime = await hub.start({
    port: options.port,
    routes: webUi ? (started) => webUi.routes(started) : undefined,
  });
  const front = runtime.front();
  return {
    url: front?.url ?? '',
    uiUrl: webUi && front ? webUi.url(front.port) : undefined,
    uiProblem:
      webUi && webUi.staticDir === undefined
        ? 'the window is not built (run `npm run build`); /ui answers 503 until it is'
        : undefined,
    close: async () => {
      webUi?.close();
      await runtime.close();
    },
  };
};

/** The version people see (package.json's, injected by the bundler; "dev" when run from sources). */
const APP_VERSION = process.env.SWITCHBOARD_VERSION ?? 'dev';

export interface RunServeOptions {
  hub: Hub;
  startServices: StartServices;
  port?: number;
  /** Also serve the web UI at /ui with a per-launch token. */
  ui?: boolean;
  /** Resolves with the signal name when the process should stop. */
  stopSignal: Promise<string>;
  /** A line for people, on stderr. */
  note(line: string): void;
}

/** Runs the hub's services until the stop signal, then shuts down in order: sessions, core, pool, database. */
export async function runServe(options: RunServeOptions): Promise<void> {
  const services = await options.startServices(options.hub, {
    port: options.port,
    ...(options.ui ? { ui: true } : {}),
  });
  options.note(`Switchboard gateway listening on ${services.url} (Ctrl+C to stop)`);
  // The only place the UI token is ever written: this one line for the person who started the server.
  if (services.uiUrl)
    options.note(`Switchboard web UI (this address is the password, keep it private): ${services.uiUrl}`);
  if (services.uiProblem) options.note(`Web UI: ${services.uiProblem}`);
  const signal = await options.stopSignal;
  options.note(`${signal}: shutting down`);
  await services.close();
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
export function registerServeCommand(program: Command, ctx: CliContext, startServices?: StartServices): void {
  program
    .command('serve')
    .description('run the MCP gateway headless (for machines without the desktop app, CI, and tests)')
    .option(
      '--port <n>',
      'gateway port on 127.0.0.1 and ::1 (default: the gateway.port setting, 17517; 0 = any free port)',
      parsePortOption,
    )
    .option(
      '--ui',
      'also serve the Switchboard window at http://127.0.0.1:<port>/ui/ (prints its address, with a token new at every launch)',
    )
    .action(async (options: { port?: number; ui?: boolean }) => {
      const stop = onStopSignal();
      try {
        await runServe({
          hub: await ctx.hub(),
          startServices: startServices ?? startServicesForCli,
          ...(options.port !== undefined && { port: options.port }),
          ...(options.ui === true && { ui: true }),
          stopSignal: stop.promise,
          note: (line) => ctx.out.note(line),
        });
      } finally {
        stop.dispose();
      }
    });
}
