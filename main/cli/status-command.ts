import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import type { GatewayStatus } from '../../preload/contract/models.ts';
import { renderStatusTable } from '../health/status-report.ts';

/**
 * `switchboard status [--json]`: the gateway (running, paused or stopped, and where), then one line per server
 * with its health status, latency, current problem and the age of that result. Read from the registry's health
 * history, which the running hub (app or `serve`) writes after every check, so it works from any other process
 * and never starts a server itself.
 */
export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('the gateway and the health of every server as last checked by the running hub')
    .action(async () => {
      const { useCases } = await ctx.hub();
      const gateway = useCases.gateway.status();
      const servers = useCases.health.report();
      // --json keeps its shape (one row per server); `switchboard gateway --json` has the gateway's.
      ctx.out.result(servers, () => `${describeGateway(gateway)}\n\n${renderStatusTable(servers)}`);
    });
}

/** `switchboard gateway`, `pause`, `resume`: the gateway's state, and tool access on or off for every client. */
export function registerGatewayCommands(program: Command, ctx: CliContext): void {
  program
    .command('gateway')
    .description('is the gateway running, paused or stopped, where, and with how many sessions')
    .action(async () => {
      const gateway = (await ctx.hub()).useCases.gateway.status();
      ctx.out.result(gateway, () => describeGateway(gateway));
    });
  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    program
      .command(verb)
      .description(
        paused
          ? 'refuse every MCP request until `switchboard resume` (the running hub applies it at once)'
          : 'serve MCP requests again after `switchboard pause`',
      )
      .action(async () => {
        const gateway = await (await ctx.hub()).useCases.gateway.setPaused(paused);
        ctx.out.result(gateway, () =>
          gateway.state === 'stopped'
            ? `${paused ? 'paused' : 'resumed'}: no hub is running now; the next one starts ${paused ? 'paused' : 'serving'}`
            : `${paused ? 'paused' : 'resumed'}: ${describeGateway(gateway)}`,
        );
      });
  }
}

/** One line for people: state, address, sessions, and a configured port the hub does not listen on. */
export function describeGateway(gateway: GatewayStatus): string {
  const sessions = gateway.sessions === null ? '' : `, ${gateway.sessions} open session(s)`;
  const moved =
    gateway.state !== 'stopped' && gateway.port !== gateway.configuredPort
      ? ` (the configured port is ${gateway.configuredPort}: clients connected with \`switchboard connect\` use that one)`
      : '';
  return gateway.state === 'stopped'
    ? `gateway stopped (it will listen on ${gateway.url}; start it with \`switchboard serve\` or the desktop app)`
    : `gateway ${gateway.state} at ${gateway.url}${sessions}${moved}`;
}
