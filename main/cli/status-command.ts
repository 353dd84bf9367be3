import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { renderStatusTable, statusRowsFromHistory } from '../health/status-report.ts';
import { createHealthHistoryRepository } from '../registry/health-history-repository.ts';

/**
 * `switchboard status [--json]`: one line per server with its health status, latency, current problem and
 * the age of that result. Read from the registry's health history, which the running hub (app or `serve`)
 * writes after every check, so it works from any other process and never starts a server itself.
 */
export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('health of every server as last checked by the running hub (status, latency, problem, age)')
    .action(async () => {
      const hub = await ctx.hub();
      const servers = hub.registry.servers.list().map((s) => ({ prefix: s.prefix, enabled: s.enabled }));
      const latest = createHealthHistoryRepository(hub.registry.db, { log: hub.log }).latestPerServer();
      const rows = statusRowsFromHistory(servers, latest, hub.clock.now());
      ctx.out.result(rows, () => renderStatusTable(rows));
    });
}
