import type { Command } from 'commander';
import { CATALOG_CATEGORIES, type CatalogCategory, type CatalogEntry } from '../catalog/catalog-entry.ts';
import { definitionFromCatalog, getCatalogEntry } from '../catalog/catalog-definition.ts';
import { catalogCategories, searchCatalog } from '../catalog/catalog-search.ts';
import { SwitchboardError } from '../lib/errors.ts';
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
    .action((words: string[], opts: { category?: string }) => {
      const category = opts.category === undefined ? undefined : parseCategory(opts.category);
      const text = words.join(' ').trim();
      const found = searchCatalog({
        ...(text === '' ? {} : { text }),
        ...(category === undefined ? {} : { category }),
      });
      ctx.out.result(found.map(summary), () =>
        found.length === 0
          ? 'no catalog entry matches; try fewer words, or `switchboard catalog categories`'
          : table([
              ['ID', 'NAME', 'CATEGORY', 'TRANSPORT', 'AUTH', 'DESCRIPTION'],
              ...found.map((e) => [
                e.id,
                e.name,
                e.category,
                e.template.transport,
                e.authKind,
                e.description,
              ]),
            ]),
      );
    });

  catalog
    .command('categories')
    .description('list the catalog categories and how many servers each has')
    .action(() => {
      const categories = catalogCategories();
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
      const entry = getCatalogEntry(id);
      const definition = definitionFromCatalog(id, prefix);
      const hub = await ctx.hub();
      const stored = hub.registry.servers.add(definition);
      const next = nextSteps(entry, stored.prefix, stored.envVars);
      ctx.out.result({ ...stored, catalogId: entry.id, next }, () =>
        [
          `added ${stored.prefix} (${entry.name}, ${stored.transport})`,
          ...next.map((s) => `next: ${s}`),
        ].join('\n'),
      );
    });
}

/** What a person must still do: set the values the server needs, or sign in. */
function nextSteps(
  entry: CatalogEntry,
  prefix: string,
  envVars: { name: string; required: boolean; secret: boolean; default?: string | undefined }[],
): string[] {
  const steps = envVars
    .filter((v) => v.required && v.default === undefined)
    .map((v) => setValueHint(prefix, v.name, v.secret));
  if (entry.authKind === 'oauth') steps.push(`switchboard auth connect ${prefix}   (sign in in the browser)`);
  return steps;
}

/** The command that sets a variable: secrets from stdin (`secret set`), settings on the command line (`var set`). */
export function setValueHint(prefix: string, name: string, secret: boolean): string {
  return secret
    ? `switchboard secret set ${prefix} ${name}`
    : `switchboard var set ${prefix} ${name} <value>`;
}

/** The shape `catalog.search` returns to the UI: the entry without its template, plus its transport. */
function summary(entry: CatalogEntry) {
  return {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    category: entry.category,
    homepage: entry.homepage,
    authKind: entry.authKind,
    transport: entry.template.transport,
  };
}

function parseCategory(value: string): CatalogCategory {
  if (Object.hasOwn(CATALOG_CATEGORIES, value)) return value as CatalogCategory;
  throw new SwitchboardError(
    'USAGE',
    `unknown category "${value}"; categories: ${Object.keys(CATALOG_CATEGORIES).join(', ')}`,
  );
}
