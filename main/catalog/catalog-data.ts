import type { CatalogAuthKind, CatalogCategory, CatalogEntry, CatalogTemplate } from './catalog-entry.ts';

/**
 * The curated offline catalog. Package names, URLs and variable names come from each project's own README or
 * documentation (sources in docs/decisions/client-config-formats.md); official servers are preferred, and the
 * archived reference servers are used only where no maintained official one exists. Remote servers that sign
 * people in with OAuth need no variables here: the Connect button does the rest.
 *
 * Over 400 lines on purpose: it is data, one entry per server, and splitting it would only scatter the list
 * a reviewer reads top to bottom (the shape and checks live in catalog-entry.ts and the catalog tests).
 */

interface Base {
  id: string;
  name: string;
  description: string;
  category: CatalogCategory;
  homepage: string;
}

type EnvVar = NonNullable<CatalogTemplate['envVars']>[number];

function secret(name: string, description: string): EnvVar {
  return { name, description, required: true, secret: true };
}

function setting(name: string, description: string, defaultValue?: string): EnvVar {
  return defaultValue === undefined
    ? { name, description, required: true, secret: false }
    : { name, description, required: false, secret: false, default: defaultValue };
}

function stdio(
  base: Base,
  authKind: CatalogAuthKind,
  command: string,
  args: string[],
  envVars: EnvVar[] = [],
): CatalogEntry {
  return {
    ...base,
    authKind,
    template: { name: base.name, description: base.description, transport: 'stdio', command, args, envVars },
  };
}

function remote(
  base: Base,
  authKind: CatalogAuthKind,
  url: string,
  headers: Record<string, string> = {},
  envVars: EnvVar[] = [],
): CatalogEntry {
  return {
    ...base,
    authKind,
    template: { name: base.name, description: base.description, transport: 'http', url, headers, envVars },
  };
}

const REFERENCE = 'https://github.com/modelcontextprotocol/servers/tree/main/src';

export const CATALOG: readonly CatalogEntry[] = [
  // Reference servers maintained by the MCP project.
  stdio(
    {
      id: 'filesystem',
      name: 'Filesystem',
      description: 'Read, write, search and move files inside the folders you allow.',
      category: 'files',
      homepage: `${REFERENCE}/filesystem`,
    },
    'none',
    'npx',
    ['-y', '@modelcontextprotocol/server-filesystem', '${ALLOWED_DIRECTORY}'],
    [setting('ALLOWED_DIRECTORY', 'Absolute path of the folder the server may access')],
  ),
  stdio(
    {
      id: 'memory',
      name: 'Memory',
      description: 'A persistent knowledge graph the assistant can store and recall facts in.',
      category: 'knowledge',
      homepage: `${REFERENCE}/memory`,
    },
    'none',
    'npx',
    ['-y', '@modelcontextprotocol/server-memory'],
  ),
  stdio(
    {
      id: 'fetch',
      name: 'Fetch',
      description: 'Fetch web pages and convert them to Markdown for the assistant to read.',
      category: 'search',
      homepage: `${REFERENCE}/fetch`,
    },
    'none',
    'uvx',
    ['mcp-server-fetch'],
  ),
  stdio(
    {
      id: 'git',
      name: 'Git',
      description: 'Read, search and change local Git repositories: status, diff, log, commit, branches.',
      category: 'dev-tools',
      homepage: `${REFERENCE}/git`,
    },
    'none',
    'uvx',
    ['mcp-server-git'],
  ),
  stdio(
    {
      id: 'time',
      name: 'Time',
      description: 'Current time and time-zone conversions.',
      category: 'utilities',
      homepage: `${REFERENCE}/time`,
    },
    'none',
    'uvx',
    ['mcp-server-time'],
  ),
  stdio(
    {
      id: 'sequential-thinking',
      name: 'Sequential Thinking',
      description: 'Structured, step-by-step problem solving that can revise and branch its reasoning.',
      category: 'knowledge',
      homepage: `${REFERENCE}/sequentialthinking`,
    },
    'none',
    'npx',
    ['-y', '@modelcontextprotocol/server-sequential-thinking'],
  ),
  stdio(
    {
      id: 'everything',
      name: 'Everything',
      description: 'Test server exercising every MCP feature: tools, resources, prompts, sampling, progress.',
      category: 'dev-tools',
      homepage: `${REFERENCE}/everything`,
    },
    'none',
    'npx',
    ['-y', '@modelcontextprotocol/server-everything'],
  ),

  // Developer tools.
  remote(
    {
      id: 'github',
      name: 'GitHub',
      description: "GitHub's hosted server: repositories, issues, pull requests, Actions and code search.",
      category: 'dev-tools',
      homepage: 'https://github.com/github/github-mcp-server',
    },
    'env',
    'https://api.githubcopilot.com/mcp/',
    { Authorization: 'Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}' },
    [secret('GITHUB_PERSONAL_ACCESS_TOKEN', 'A GitHub personal access token (github.com/settings/tokens)')],
  ),
  stdio(
    {
      id: 'github-docker',
      name: 'GitHub (local, Docker)',
      description: "GitHub's official server run locally in Docker, for GitHub Enterprise or offline tokens.",
      category: 'dev-tools',
      homepage: 'https://github.com/github/github-mcp-server',
    },
    'env',
    'docker',
    ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'],
    [secret('GITHUB_PERSONAL_ACCESS_TOKEN', 'A GitHub personal access token (github.com/settings/tokens)')],
  ),
  remote(
    {
      id: 'gitlab',
      name: 'GitLab',
      description: "GitLab's built-in server on GitLab.com: projects, issues, merge requests and pipelines.",
      category: 'dev-tools',
      homepage: 'https://docs.gitlab.com/user/gitlab_duo/model_context_protocol/mcp_server/',
    },
    'oauth',
    'https://gitlab.com/api/v4/mcp',
  ),
  remote(
    {
      id: 'sentry',
      name: 'Sentry',
      description: "Sentry's hosted server: issues, errors, traces and Seer analysis for debugging.",
      category: 'dev-tools',
      homepage: 'https://github.com/getsentry/sentry-mcp',
    },
    'oauth',
    'https://mcp.sentry.dev/mcp',
  ),
  remote(
    {
      id: 'context7',
      name: 'Context7',
      description: 'Up-to-date, version-specific library documentation and code examples.',
      category: 'dev-tools',
      homepage: 'https://github.com/upstash/context7',
    },
    'none',
    'https://mcp.context7.com/mcp',
  ),

  // Databases and data.
  stdio(
    {
      id: 'postgres',
      name: 'PostgreSQL',
      description: 'Postgres MCP Pro in read-only mode: schemas, queries, explain plans and index advice.',
      category: 'data',
      homepage: 'https://github.com/crystaldba/postgres-mcp',
    },
    'env',
    'uvx',
    ['postgres-mcp', '--access-mode=restricted'],
    [secret('DATABASE_URI', 'Connection string, e.g. postgresql://user:password@localhost:5432/dbname')],
  ),
  stdio(
    {
      id: 'sqlite',
      name: 'SQLite',
      description: 'Query and change a local SQLite database (archived MCP reference server).',
      category: 'data',
      homepage: 'https://github.com/modelcontextprotocol/servers-archived/tree/main/src/sqlite',
    },
    'none',
    'uvx',
    ['mcp-server-sqlite', '--db-path', '${SQLITE_DB_PATH}'],
    [setting('SQLITE_DB_PATH', 'Absolute path of the SQLite database file')],
  ),
  stdio(
    {
      id: 'redis',
      name: 'Redis',
      description: "Redis's official server: strings, hashes, lists, streams, JSON and vector search.",
      category: 'data',
      homepage: 'https://github.com/redis/mcp-redis',
    },
    'env',
    'uvx',
    // Configured through the environment, never `--url`: arguments are visible to every local user (`ps`).
    ['--from', 'redis-mcp-server@latest', 'redis-mcp-server'],
    [
      setting('REDIS_HOST', 'Host name of the Redis server', '127.0.0.1'),
      setting('REDIS_PORT', 'Port of the Redis server', '6379'),
      { ...setting('REDIS_USERNAME', 'User name (leave empty for the default user)'), required: false },
      { ...secret('REDIS_PWD', 'Password of that user (leave empty when none is set)'), required: false },
    ],
  ),
  remote(
    {
      id: 'google-maps',
      name: 'Google Maps',
      description: 'Google Maps Grounding Lite: place search, routes and weather.',
      category: 'data',
      homepage: 'https://developers.google.com/maps/ai/grounding-lite',
    },
    'env',
    'https://mapstools.googleapis.com/mcp',
    { 'X-Goog-Api-Key': '${GOOGLE_MAPS_API_KEY}' },
    [
      secret(
        'GOOGLE_MAPS_API_KEY',
        'A Google Maps Platform API key with the Maps Grounding Lite API enabled',
      ),
    ],
  ),

  // Browser automation.
  stdio(
    {
      id: 'playwright',
      name: 'Playwright',
      description: "Microsoft's browser automation through accessibility snapshots; no vision model needed.",
      category: 'browser',
      homepage: 'https://github.com/microsoft/playwright-mcp',
    },
    'none',
    'npx',
    ['@playwright/mcp@latest'],
  ),
  stdio(
    {
      id: 'chrome-devtools',
      name: 'Chrome DevTools',
      description: 'Control and inspect a live Chrome: automation, network, console and performance traces.',
      category: 'browser',
      homepage: 'https://github.com/ChromeDevTools/chrome-devtools-mcp',
    },
    'none',
    'npx',
    ['-y', 'chrome-devtools-mcp@latest'],
  ),

  // Productivity.
  remote(
    {
      id: 'slack',
      name: 'Slack',
      description: "Slack's official server: search and read messages, channels and users, post replies.",
      category: 'productivity',
      homepage: 'https://docs.slack.dev/ai/slack-mcp-server/',
    },
    'oauth',
    'https://mcp.slack.com/mcp',
  ),
  remote(
    {
      id: 'notion',
      name: 'Notion',
      description: "Notion's hosted server: search, read and edit pages and databases.",
      category: 'productivity',
      homepage: 'https://developers.notion.com/docs/mcp',
    },
    'oauth',
    'https://mcp.notion.com/mcp',
  ),
  remote(
    {
      id: 'linear',
      name: 'Linear',
      description: "Linear's hosted server: find, create and update issues, projects and comments.",
      category: 'productivity',
      homepage: 'https://linear.app/docs/mcp',
    },
    'oauth',
    'https://mcp.linear.app/mcp',
  ),
  remote(
    {
      id: 'atlassian',
      name: 'Atlassian (Jira, Confluence)',
      description: "Atlassian's Rovo server: Jira, Confluence, Compass and Bitbucket in Atlassian Cloud.",
      category: 'productivity',
      homepage: 'https://github.com/atlassian/atlassian-mcp-server',
    },
    'oauth',
    'https://mcp.atlassian.com/v2/mcp',
  ),
  remote(
    {
      id: 'asana',
      name: 'Asana',
      description: "Asana's hosted server: tasks, projects, portfolios and goals.",
      category: 'productivity',
      homepage: 'https://developers.asana.com/docs/integrating-with-asanas-mcp-server',
    },
    'oauth',
    'https://mcp.asana.com/v2/mcp',
  ),

  // Search and the web.
  stdio(
    {
      id: 'brave-search',
      name: 'Brave Search',
      description: "Brave's official server: web, news, image, video and local search.",
      category: 'search',
      homepage: 'https://github.com/brave/brave-search-mcp-server',
    },
    'env',
    'npx',
    ['-y', '@brave/brave-search-mcp-server'],
    [secret('BRAVE_API_KEY', 'A Brave Search API key (api-dashboard.search.brave.com)')],
  ),
  remote(
    {
      id: 'exa',
      name: 'Exa',
      description: "Exa's hosted web search and page fetching for agents; works without a key, rate-limited.",
      category: 'search',
      homepage: 'https://github.com/exa-labs/exa-mcp-server',
    },
    'none',
    'https://mcp.exa.ai/mcp',
  ),
  stdio(
    {
      id: 'firecrawl',
      name: 'Firecrawl',
      description: "Firecrawl's official server: scrape, crawl, map and search the web into clean Markdown.",
      category: 'search',
      homepage: 'https://github.com/firecrawl/firecrawl-mcp-server',
    },
    'env',
    'npx',
    ['-y', 'firecrawl-mcp'],
    [secret('FIRECRAWL_API_KEY', 'A Firecrawl API key (firecrawl.dev/app/api-keys)')],
  ),

  // Cloud platforms.
  remote(
    {
      id: 'cloudflare',
      name: 'Cloudflare',
      description: "Cloudflare's Code Mode server: broad access to the Cloudflare API for your account.",
      category: 'cloud',
      homepage: 'https://github.com/cloudflare/mcp',
    },
    'oauth',
    'https://mcp.cloudflare.com/mcp',
  ),
  remote(
    {
      id: 'cloudflare-docs',
      name: 'Cloudflare Docs',
      description: 'Up-to-date Cloudflare developer documentation; no account needed.',
      category: 'cloud',
      homepage: 'https://github.com/cloudflare/mcp-server-cloudflare',
    },
    'none',
    'https://docs.mcp.cloudflare.com/mcp',
  ),
  remote(
    {
      id: 'supabase',
      name: 'Supabase',
      description: "Supabase's hosted server: projects, tables, SQL, migrations, Edge Functions and logs.",
      category: 'cloud',
      homepage: 'https://github.com/supabase-community/supabase-mcp',
    },
    'oauth',
    'https://mcp.supabase.com/mcp',
  ),

  // Design.
  remote(
    {
      id: 'figma',
      name: 'Figma',
      description: "Figma's remote server: design context, variables and screenshots for design-to-code.",
      category: 'design',
      homepage: 'https://developers.figma.com/docs/figma-mcp-server/',
    },
    'oauth',
    'https://mcp.figma.com/mcp',
  ),

  // Payments.
  remote(
    {
      id: 'stripe',
      name: 'Stripe',
      description: "Stripe's hosted server: customers, payments, subscriptions, refunds and Stripe docs.",
      category: 'payments',
      homepage: 'https://docs.stripe.com/mcp',
    },
    'oauth',
    'https://mcp.stripe.com',
  ),
  stdio(
    {
      id: 'paypal',
      name: 'PayPal',
      description: "PayPal's agent toolkit: invoices, orders, disputes, subscriptions and transactions.",
      category: 'payments',
      homepage: 'https://github.com/paypal/agent-toolkit',
    },
    'env',
    'npx',
    ['-y', '@paypal/mcp', '--tools=all'],
    [
      secret('PAYPAL_ACCESS_TOKEN', 'A PayPal REST API access token'),
      setting('PAYPAL_ENVIRONMENT', 'SANDBOX for testing, PRODUCTION for live payments', 'SANDBOX'),
    ],
  ),

  // AI and models.
  remote(
    {
      id: 'hugging-face',
      name: 'Hugging Face',
      description: 'The official Hugging Face server: search models, datasets, Spaces and papers.',
      category: 'ai',
      homepage: 'https://github.com/huggingface/hf-mcp-server',
    },
    'env',
    'https://huggingface.co/mcp',
    { Authorization: 'Bearer ${HF_TOKEN}' },
    [secret('HF_TOKEN', 'A Hugging Face access token (huggingface.co/settings/tokens)')],
  ),
];
