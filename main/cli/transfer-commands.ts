import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { exportDocument, importDocument } from '../registry/transfer.ts';

/** `switchboard export [FILE]` and `import FILE`: server definitions as JSON, never secret values. */
export function registerTransferCommands(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .argument('[file]', 'write to this file instead of stdout')
    .description('export server definitions as JSON (secret values are never exported)')
    .action(async (file: string | undefined) => {
      const hub = await ctx.hub();
      const doc = exportDocument(hub.registry.servers.list());
      const text = JSON.stringify(doc, null, 2) + '\n';
      if (file === undefined) {
        process.stdout.write(text);
        return;
      }
      fs.writeFileSync(file, text, { mode: 0o600 });
      ctx.out.result(
        { file, servers: doc.servers.length },
        () => `exported ${doc.servers.length} servers to ${file}`,
      );
    });

  program
    .command('import')
    .argument('<file>', 'a file written by `switchboard export`')
    .description(
      'import server definitions; every definition is validated first and nothing is written if one fails',
    )
    .action(async (file: string) => {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new SwitchboardError(
          'VALIDATION',
          `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const hub = await ctx.hub();
      const added = importDocument(hub.registry.db, hub.registry.servers, raw);
      ctx.out.result(
        { imported: added.map((s) => s.prefix) },
        () => `imported ${added.length} servers: ${added.map((s) => s.prefix).join(', ')}`,
      );
    });
}
