import type { Command } from 'commander';
import type { ConnectPreview } from '../clients/client-service.ts';
import { getClientAdapter } from '../clients/client-registry.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { CliContext } from './context.ts';

/**
 * What connecting would write and whether the written entry works: `connect CLIENT --dry-run`,
 * `connect CLIENT --print-entry` (set a client up by hand) and `clients test CLIENT`. Thin over the client
 * use-cases, as the window's Clients page is.
 */

/** `connect --dry-run`: the lines connecting would change, and nothing changed. */
export async function previewConnect(
  ctx: CliContext,
  id: string,
  options: { projectDir?: string },
): Promise<void> {
  const preview = await (await ctx.hub()).useCases.clients.previewConnect(id, options);
  ctx.out.result(preview, () => renderPreview(preview));
}

/** `connect --print-entry`: the entry to paste by hand, with a token made for the client's file now. */
export async function printEntry(
  ctx: CliContext,
  id: string,
  options: { projectDir?: string; profile?: string },
): Promise<void> {
  const { profile, ...scope } = options;
  const { useCases } = await ctx.hub();
  if (profile !== undefined) useCases.profiles.assertExists(profile);
  const entry = await useCases.clients.manualEntry(id, scope);
  if (profile !== undefined) useCases.profiles.use(entry.tokenName ?? 'bridge', profile);
  ctx.out.result(entry, () => entry.snippet);
  ctx.out.note(
    `Paste this into ${entry.path}` +
      (entry.tokenName === undefined
        ? '. '
        : `. It carries the new client token "${entry.tokenName}" (treat it like a password); an earlier token ` +
          'of that name, if there was one, no longer works. ') +
      entry.restartHint,
  );
  // A token means an HTTP entry, which carries the URL.
  if (entry.tokenName !== undefined) await notePortElsewhere(ctx, id);
}

/** Registers `clients test CLIENT` under `clients`. */
export function registerClientTest(clients: Command, ctx: CliContext, clientList: string): void {
  clients
    .command('test')
    .argument('<client>', `one of: ${clientList}`)
    .description("list Switchboard's tools through exactly the entry in the client's file")
    .option('--project <dir>', "test the project's file instead of the user's")
    .action(async (id: string, opts: { project?: string }) => {
      const scope = { projectDir: opts.project ?? clients.opts<{ project?: string }>().project };
      const check = await (await ctx.hub()).useCases.clients.checkEntry(id, scope);
      if (!check.ok) {
        throw new SwitchboardError(
          'UPSTREAM_UNAVAILABLE',
          `${displayName(id)}'s entry failed: ${check.problem}`,
        );
      }
      ctx.out.result(check, () => {
        const sample = check.sampleTools?.length ? ` (${check.sampleTools.join(', ')}…)` : '';
        return `${displayName(id)}'s entry works: ${check.target} lists ${check.toolCount} tools${sample}\n`;
      });
    });
}

function renderPreview(preview: ConnectPreview): string {
  const lines: string[] = [];
  if (!preview.changed) {
    lines.push(`${preview.path} is already up to date; connecting would change nothing`);
  } else {
    lines.push(`${preview.exists ? 'would change' : 'would create'} ${preview.path}:`);
    for (const hunk of preview.hunks) {
      lines.push(`@@ line ${hunk.newStart} @@`);
      for (const line of hunk.lines) lines.push(`${line.op} ${line.text}`);
    }
    if (preview.newToken) lines.push('a new client token would be made for this file');
  }
  lines.push('nothing was changed (--dry-run)');
  return lines.join('\n') + '\n';
}

export function displayName(id: string): string {
  return getClientAdapter(id).displayName;
}

/**
 * An entry names the Gateway port setting, not whatever port this run listens on (client-service-model.ts): when a
 * hub of this data directory runs on another port (`serve --port`), say so and how to line them up, as the window's
 * "Where Switchboard listens" does. Only for entries that carry the URL: the bridge finds the running port itself.
 */
export async function notePortElsewhere(ctx: CliContext, id: string): Promise<void> {
  const status = (await ctx.hub()).useCases.gateway.status();
  if (status.state === 'stopped' || status.port === status.configuredPort) return;
  const name = displayName(id);
  ctx.out.note(
    `Switchboard runs on port ${status.port} right now, but the entry names the Gateway port setting ` +
      `(${status.configuredPort}): ${name} reaches it once Switchboard runs on ${status.configuredPort} — or set ` +
      `the setting to this port (\`switchboard settings gateway.port ${status.port}\`) and connect ${name} again`,
  );
}
