import { describe, expect, it } from 'vitest';
import { ServerDefinitionSchema, describeIssues } from '../../../preload/contract/server-definition.ts';
import { CATALOG } from '../../../main/catalog/catalog-data.ts';
import { definitionFromCatalog, getCatalogEntry } from '../../../main/catalog/catalog-definition.ts';
import { CATALOG_CATEGORIES } from '../../../main/catalog/catalog-entry.ts';
import { catalogCategories, searchCatalog } from '../../../main/catalog/catalog-search.ts';
import { SERVER_JSON_SCHEMA, toRegistryServerJson } from '../../../main/catalog/registry-server-json.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';

/** The offline catalog: valid definitions, search, adding, and the registry server.json export. */

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isSwitchboardError(error) ? error.code : 'OTHER';
  }
  return undefined;
}

describe('catalog data', () => {
  it('has about thirty entries with unique ids', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CATALOG.map((e) => e.id)).size).toBe(CATALOG.length);
  });

  it.each(CATALOG.map((e) => [e.id, e] as const))(
    '%s validates with ServerDefinitionSchema',
    (_id, entry) => {
      const parsed = ServerDefinitionSchema.safeParse({ prefix: 'sample', ...entry.template });
      expect(parsed.success ? [] : describeIssues(parsed.error)).toEqual([]);
    },
  );

  it('describes every entry fully and consistently', () => {
    for (const entry of CATALOG) {
      expect(entry.id).toMatch(/^[a-z0-9-]+$/);
      expect(entry.name.length).toBeGreaterThan(0);
      expect(entry.description.length).toBeLessThanOrEqual(100);
      expect(Object.keys(CATALOG_CATEGORIES)).toContain(entry.category);
      expect(entry.homepage).toMatch(/^https:\/\//);
      const secrets = (entry.template.envVars ?? []).filter((v) => v.secret !== false);
      // An "env" entry asks for a secret; "none" and "oauth" entries never do.
      expect(secrets.length > 0, entry.id).toBe(entry.authKind === 'env');
      if (entry.authKind === 'oauth') expect(entry.template.transport).not.toBe('stdio');
    }
  });

  it('covers the well-known servers the issue names', () => {
    const ids = CATALOG.map((e) => e.id);
    for (const id of [
      'filesystem',
      'memory',
      'fetch',
      'git',
      'time',
      'sequential-thinking',
      'everything',
      'github',
      'gitlab',
      'postgres',
      'sqlite',
      'playwright',
      'slack',
      'notion',
      'linear',
      'atlassian',
      'sentry',
      'brave-search',
      'google-maps',
      'redis',
      'stripe',
      'cloudflare',
      'supabase',
      'context7',
      'exa',
      'firecrawl',
      'figma',
      'asana',
      'paypal',
      'hugging-face',
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe('catalog lint: no secret on a command line', () => {
  // Every local user can read a process's arguments (`ps`): a secret in `args` is a secret on display.
  it.each(CATALOG.filter((e) => e.template.transport === 'stdio').map((e) => [e.id, e] as const))(
    '%s passes its secrets in the environment, never in args',
    (_id, entry) => {
      const template = entry.template as { args?: string[]; envVars?: { name: string; secret?: boolean }[] };
      const secrets = new Set((template.envVars ?? []).filter((v) => v.secret !== false).map((v) => v.name));
      const referenced = (template.args ?? []).flatMap((arg) =>
        [...arg.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]),
      );
      expect(referenced.filter((name) => name !== undefined && secrets.has(name))).toEqual([]);
    },
  );
});

describe('searchCatalog', () => {
  it('returns everything, alphabetically, without a query', () => {
    const all = searchCatalog();
    expect(all).toHaveLength(CATALOG.length);
    expect(all.map((e) => e.name)).toEqual(
      [...CATALOG.map((e) => e.name)].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('ranks name matches first, then id, category and description matches', () => {
    expect(searchCatalog({ text: 'git' }).map((e) => e.id)).toEqual([
      'git',
      'github',
      'github-docker',
      'gitlab',
    ]);
    const browser = searchCatalog({ text: 'BROWSER' }).map((e) => e.id);
    expect(browser.slice(0, 2).sort()).toEqual(['chrome-devtools', 'playwright']);
    expect(searchCatalog({ text: 'postgres' })[0]?.id).toBe('postgres');
    expect(searchCatalog({ text: 'issues' }).map((e) => e.id)).toEqual(
      expect.arrayContaining(['linear', 'sentry', 'github']),
    );
  });

  it('requires every word to match, and filters by category', () => {
    expect(searchCatalog({ text: 'github docker' }).map((e) => e.id)).toEqual(['github-docker']);
    expect(searchCatalog({ category: 'payments' }).map((e) => e.id)).toEqual(['paypal', 'stripe']);
    expect(searchCatalog({ text: 'stripe', category: 'files' })).toEqual([]);
    expect(searchCatalog({ text: 'no-such-server' })).toEqual([]);
  });
});

describe('catalogCategories', () => {
  it('lists used categories in display order with labels and counts', () => {
    const categories = catalogCategories();
    expect(categories[0]).toEqual({ category: 'files', label: 'Files', count: 1 });
    expect(categories.reduce((n, c) => n + c.count, 0)).toBe(CATALOG.length);
    expect(categories.map((c) => c.category)).toEqual(
      Object.keys(CATALOG_CATEGORIES).filter((k) => CATALOG.some((e) => e.category === k)),
    );
  });
});

describe('definitionFromCatalog', () => {
  it('adds the template under the chosen prefix', () => {
    expect(definitionFromCatalog('brave-search', 'search')).toEqual({
      prefix: 'search',
      name: 'Brave Search',
      description: "Brave's official server: web, news, image, video and local search.",
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@brave/brave-search-mcp-server'],
      envVars: [
        {
          name: 'BRAVE_API_KEY',
          description: 'A Brave Search API key (api-dashboard.search.brave.com)',
          required: true,
          secret: true,
        },
      ],
    });
  });

  it('returns a copy the caller may change', () => {
    const definition = definitionFromCatalog('github', 'gh');
    if (definition.transport === 'stdio') throw new Error('expected a remote server');
    (definition.headers as Record<string, string>).Authorization = 'changed';
    expect(getCatalogEntry('github').template).toMatchObject({
      headers: { Authorization: 'Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}' },
    });
  });

  it('says NOT_FOUND for an unknown id and VALIDATION for a bad prefix', () => {
    expect(code(() => definitionFromCatalog('nope', 'x'))).toBe('NOT_FOUND');
    expect(code(() => definitionFromCatalog('github', 'Bad Prefix'))).toBe('VALIDATION');
    expect(code(() => definitionFromCatalog('github', 'a__b'))).toBe('VALIDATION');
  });
});

describe('toRegistryServerJson', () => {
  it('describes a remote server with a secret header as remotes[] with a variable', () => {
    expect(
      toRegistryServerJson(definitionFromCatalog('github', 'github'), { namespace: 'io.github.ada' }),
    ).toEqual({
      $schema: SERVER_JSON_SCHEMA,
      name: 'io.github.ada/github',
      title: 'GitHub',
      description: "GitHub's hosted server: repositories, issues, pull requests, Actions and code search.",
      version: '1.0.0',
      remotes: [
        {
          type: 'streamable-http',
          url: 'https://api.githubcopilot.com/mcp/',
          headers: [
            {
              name: 'Authorization',
              value: 'Bearer {GITHUB_PERSONAL_ACCESS_TOKEN}',
              isRequired: true,
              isSecret: true,
              variables: {
                GITHUB_PERSONAL_ACCESS_TOKEN: {
                  description: 'A GitHub personal access token (github.com/settings/tokens)',
                  isRequired: true,
                  isSecret: true,
                  format: 'string',
                },
              },
            },
          ],
        },
      ],
    });
  });

  it('describes npx, uvx and docker commands as packages[]', () => {
    const paypal = toRegistryServerJson(definitionFromCatalog('paypal', 'paypal'), { version: '2.0.1' });
    expect(paypal.name).toBe('local.switchboard/paypal');
    expect(paypal.version).toBe('2.0.1');
    expect(paypal.packages).toEqual([
      {
        registryType: 'npm',
        identifier: '@paypal/mcp',
        runtimeHint: 'npx',
        transport: { type: 'stdio' },
        packageArguments: [{ type: 'positional', value: '--tools=all' }],
        environmentVariables: [
          {
            name: 'PAYPAL_ACCESS_TOKEN',
            description: 'A PayPal REST API access token',
            isRequired: true,
            isSecret: true,
            format: 'string',
          },
          {
            name: 'PAYPAL_ENVIRONMENT',
            description: 'SANDBOX for testing, PRODUCTION for live payments',
            isRequired: false,
            isSecret: false,
            default: 'SANDBOX',
            format: 'string',
          },
        ],
      },
    ]);

    // A variable used in an argument is asked for once, as the argument's variable (SQLite's path: not a secret —
    // no catalog entry puts a secret in args, see the lint above).
    const sqlite = toRegistryServerJson(definitionFromCatalog('sqlite', 'db')).packages?.[0];
    expect(sqlite).toMatchObject({
      registryType: 'pypi',
      identifier: 'mcp-server-sqlite',
      runtimeHint: 'uvx',
      packageArguments: [
        { type: 'positional', value: '--db-path' },
        {
          type: 'positional',
          value: '{SQLITE_DB_PATH}',
          variables: { SQLITE_DB_PATH: { isSecret: false, isRequired: true } },
        },
      ],
    });
    expect(sqlite?.environmentVariables).toBeUndefined();
    // Redis gets its password through the environment.
    const redis = toRegistryServerJson(definitionFromCatalog('redis', 'redis')).packages?.[0];
    expect(redis?.packageArguments).toBeUndefined();
    expect(redis?.environmentVariables).toContainEqual(
      expect.objectContaining({ name: 'REDIS_PWD', isSecret: true, isRequired: false }),
    );

    const docker = toRegistryServerJson(definitionFromCatalog('github-docker', 'gh')).packages?.[0];
    expect(docker).toMatchObject({
      registryType: 'oci',
      identifier: 'ghcr.io/github/github-mcp-server',
      runtimeHint: 'docker',
      runtimeArguments: [
        { type: 'named', name: '-i' },
        { type: 'named', name: '--rm' },
        { type: 'named', name: '-e', value: 'GITHUB_PERSONAL_ACCESS_TOKEN' },
      ],
      environmentVariables: [
        expect.objectContaining({ name: 'GITHUB_PERSONAL_ACCESS_TOKEN', isSecret: true }),
      ],
    });
  });

  it('exports every catalog entry in the registry name and shape rules', () => {
    for (const entry of CATALOG) {
      const json = toRegistryServerJson(definitionFromCatalog(entry.id, 'sample'));
      expect(json.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
      expect(json.description.length).toBeGreaterThan(0);
      expect(json.description.length).toBeLessThanOrEqual(100);
      expect((json.packages?.length ?? 0) + (json.remotes?.length ?? 0)).toBe(1);
      for (const pkg of json.packages ?? []) expect(pkg.version).not.toBe('latest');
    }
  });

  it('never includes a secret value, and keeps literal values as fixed values', () => {
    const definition = {
      prefix: 'api',
      name: 'API',
      transport: 'http' as const,
      url: 'https://api.example.com/mcp?key=${API_KEY}',
      headers: { 'X-Api-Key': '${API_KEY}', Accept: 'application/json', Literal: 'costs $${5}' },
      envVars: [{ name: 'API_KEY', secret: true }],
    };
    const json = toRegistryServerJson(definition);
    expect(json.remotes?.[0]).toEqual({
      type: 'streamable-http',
      url: 'https://api.example.com/mcp?key={API_KEY}',
      variables: { API_KEY: { isRequired: true, isSecret: true, format: 'string' } },
      headers: [
        {
          name: 'X-Api-Key',
          value: '{API_KEY}',
          isRequired: true,
          isSecret: true,
          variables: { API_KEY: { isRequired: true, isSecret: true, format: 'string' } },
        },
        { name: 'Accept', value: 'application/json' },
        { name: 'Literal', value: 'costs ${5}' },
      ],
    });
    expect(JSON.stringify(json)).not.toMatch(/default/);
  });

  it('refuses commands it cannot describe and invalid definitions', () => {
    const local = {
      prefix: 'mine',
      name: 'Mine',
      transport: 'stdio' as const,
      command: '/usr/local/bin/my-server',
    };
    expect(code(() => toRegistryServerJson(local))).toBe('VALIDATION');
    expect(code(() => toRegistryServerJson({ ...local, prefix: 'Bad!' }))).toBe('VALIDATION');
    expect(
      code(() => toRegistryServerJson(definitionFromCatalog('time', 'time'), { namespace: 'has/slash' })),
    ).toBe('VALIDATION');
  });
});
