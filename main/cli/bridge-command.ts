import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolveDataDir } from '../lib/paths.ts';
import type { CliContext } from './context.ts';
import { parsePortOption } from './serve-command.ts';

/**
 * `switchboard bridge [--server PREFIX]`: a stdio MCP server relaying to the local gateway, for clients
 * that only launch commands (Claude Desktop). Its token comes from the data directory, never argv/env.
 */
export function registerBridgeCommand(program: Command, ctx: CliContext): void {
  program
    .command('bridge')
    .description(
      'stdio MCP server that relays to the running Switchboard (for clients that only launch commands)',
    )
    .option('--server <prefix>', 'relay one server with its original tool names instead of all servers')
    .option('--port <n>', "gateway port (default: the running gateway's, else 17517)", parsePortOption)
    .option(
      '--wait <seconds>',
      'how long to wait for Switchboard to start before failing requests',
      parseSeconds,
      60,
    )
    .action(async (options: { server?: string; port?: number; wait: number }) => {
      const dataDir = resolveDataDir({ flag: program.opts<{ dataDir?: string }>().dataDir, env: ctx.env });
      // Loaded on use: the bridge is an MCP server (the SDK), which no other command needs at start-up.
      const { runBridge } = await import('../bridge/run-bridge.ts');
      const code = await runBridge({
        dataDir,
        waitMs: options.wait * 1000,
        stdin: ctx.stdin,
        ...(options.server !== undefined && { prefix: options.server }),
        ...(options.port !== undefined && { port: options.port }),
      });
      ctx.setExitCode(code);
    });
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds > 3600)
    throw new InvalidArgumentError('must be a number of seconds (0-3600)');
  return seconds;
}
