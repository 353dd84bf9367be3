import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { importFromClient, type ImportClientOptions } from './client-commands.ts';
import { CLIENT_ADAPTERS, isClientId } from '../clients/client-registry.ts';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';

/**
 * `switchboard export [FILE]` and `import FILE|CLIENT`: server definitions and profiles as JSON, never secret values
 * or tokens.
 * `import CLIENT` (a known client id) is `clients import CLIENT`; anything else is a file (`./cursor` for a
 * file that happens to be named like a client).
 */
export function registerTransferCommands(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .argument('[file]', 'write to this file instead of stdout')
    .description(
      'export server definitions and profiles as JSON (secret values and tokens are never exported)',
    )
    .action(async (file: string | undefined) => {
      const hub = await ctx.hub();
      const text = hub.useCases.transfer.exportText();
      if (file === undefined) {
        process.stdout.write(text);
        return;
      }
      fs.writeFileSync(file, text, { mode: 0o600 });
      const count = hub.registry.servers.list().length;
      ctx.out.result({ file, servers: count }, () => `exported ${count} servers to ${file}`);
    });

  program
    .command('import')
    .argument(
      '<source>',
      `a file written by \`switchboard export\`, or an AI client (${CLIENT_ADAPTERS.map((a) => a.id).join(', ')})`,
    )
    .description(
      'import server definitions from a file (all validated first, nothing written if one fails) ' +
        "or an AI client's servers (as `clients import`)",
    )
    .option('--dry-run', 'client only: print what would be imported and change nothing')
    .option(
      '--replace',
      "client only: then remove the imported servers from the client's file and connect it",
    )
    .option('--project <dir>', "client only: import from the project's file instead of the user's")
    .action(async (source: string, opts: ImportClientOptions) => {
      if (isClientId(source)) {
        await importFromClient(ctx, source, opts);
        return;
      }
      const clientOnly = [
        ...(opts.dryRun ? ['--dry-run'] : []),
        ...(opts.replace ? ['--replace'] : []),
        ...(opts.project === undefined ? [] : ['--project']),
      ];
      if (clientOnly.length > 0) {
        throw new SwitchboardError(
          'USAGE',
          `${clientOnly.join(' and ')} ${clientOnly.length === 1 ? 'is' : 'are'} only for importing from an ` +
            `AI client, and "${source}" is not one ` +
            `(known clients: ${CLIENT_ADAPTERS.map((a) => a.id).join(', ')})`,
        );
      }
      await importFile(ctx, source);
    });
}

async function importFile(ctx: CliContext, file: string): Promise<void> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SwitchboardError('VALIDATION', `cannot read ${file}: ${errorMessage(error)}`);
  }
  const { servers, profiles } = await (await ctx.hub()).useCases.transfer.importText(text);
  ctx.out.result(
    { imported: servers, profiles },
    () =>
      (servers.length === 0
        ? 'imported no servers'
        : `imported ${servers.length} servers: ${servers.join(', ')}`) +
      (profiles.length === 0 ? '' : `\nprofiles created or updated: ${profiles.join(', ')}`),
  );
}
