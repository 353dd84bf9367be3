import type { Command } from 'commander';
import { CATALOG_CATEGORIES } from '../catalog/catalog-entry.ts';
import { nextSteps } from '../usecases/catalog.ts';
import type { CliContext } from './context.ts';
import { table } from './output.ts';

/** `switchboard catalog search|categories|add`: the offline catalog of well-known MCP servers. */
export function registerCatalogCommands(program: Command, ctx: CliContext): void {
  const catalog = program.command('catalog').description('browse and add well-known MCP servers (offline)');

  catalog
    .command('search')
    .argument('[text...]', 'words to find in the name, id, category or description (all must match)')
    .option('--category <category>', `only this category: ${Object.keys(CATALOG_CATEGORIES).join(', ')}`)
    .description('search the catalog (no words: list everything)')
    .action(async (words: string[], opts: { category?: string }) => {
      const found = (await ctx.hub()).useCases.catalog.search({
        text: words.join(' '),
        category: opts.category,
      });
      ctx.out.result(found, () =>
        found.length === 0
          ? 'no catalog entry matches; try fewer words, or `switchboard catalog categories`'
          : table([
              ['ID', 'NAME', 'CATEGORY', 'TRANSPORT', 'AUTH', 'DESCRIPTION'],
              ...found.map((e) => [e.id, e.name, e.category, e.transport, e.authKind, e.description]),
            ]),
      );
    });

  catalog
    .command('categories')
    .description('list the catalog categories and how many servers each has')
    .action(async () => {
      const categories = (await ctx.hub()).useCases.catalog.categories();
      ctx.out.result(categories, () =>
        table([
          ['CATEGORY', 'LABEL', 'SERVERS'],
          ...categories.map((c) => [c.category, c.label, String(c.count)]),
        ]),
      );
    });

  catalog
    .command('add')
    .argument('<id>', 'catalog id, e.g. github (see `switchboard catalog search`)')
    .argument('<prefix>', 'short unique name; tools are exposed as PREFIX__tool')
    .description('add a catalog server under PREFIX, then print what it still needs')
    .action(async (id: string, prefix: string) => {
      const { servers } = (await ctx.hub()).useCases;
      const { entry } = await servers.addFromCatalog(id, prefix);
      const stored = servers.stored(prefix);
      const next = nextSteps(entry, stored.prefix, stored.envVars);
      ctx.out.result({ ...stored, catalogId: entry.id, next }, () =>
        [
          `added ${stored.prefix} (${entry.name}, ${stored.transport})`,
          ...next.map((s) => `next: ${s}`),
        ].join('\n'),
      );
    });
}
