import type { Command } from 'commander';
import type { ServerDefinitionInput, StoredServer } from '../../preload/contract/server-definition.ts';
import type { CliContext } from './context.ts';
import { table } from './output.ts';
import { collect, parseEnvPairs, parseHeaderPairs } from './parse-pairs.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { addOAuthOptions, oauthFromOptions, type OAuthAddOptions } from './auth-commands.ts';
import { readSecret } from './read-secret.ts';
import { CLIENT_SECRET_NAME, clientSecretOwner } from '../oauth/oauth-vault.ts';

interface AddOptions extends OAuthAddOptions {
  name?: string;
  env: string[];
  cwd?: string;
  url?: string;
  transport?: string;
  header: string[];
  secretVar: string[];
  disabled?: boolean;
  keepRunning?: boolean;
}

/** `switchboard server …`: add, list, show, remove, enable, disable. */
export function registerServerCommands(program: Command, ctx: CliContext): void {
  const server = program.command('server').description('manage upstream MCP servers');

  addOAuthOptions(server.command('add'))
    .description('add a stdio server (PREFIX -- COMMAND ARGS…) or a remote one (PREFIX --url URL)')
    .argument('<prefix>', 'short unique name; tools are exposed as PREFIX__tool')
    .argument('[command...]', 'for stdio servers: the command and its arguments, after --')
    .option('--name <name>', 'display name (defaults to the prefix)')
    .option(
      '--env <K=V>',
      'environment variable for a stdio server (repeatable; not for secrets)',
      collect,
      [],
    )
    .option('--cwd <dir>', 'working directory for a stdio server (absolute path)')
    .option('--url <url>', 'URL of a remote server')
    .option('--transport <kind>', 'remote transport: http (Streamable HTTP, default) or sse (legacy)')
    .option('--header <"K: V">', 'static non-secret header for a remote server (repeatable)', collect, [])
    .option(
      '--secret-var <NAME>',
      'declare a required secret variable; set it with `secret set` (repeatable)',
      collect,
      [],
    )
    .option('--disabled', 'add it switched off')
    .option('--keep-running', 'never stop this stdio server for being idle')
    .action(async (prefix: string, command: string[], opts: AddOptions) => {
      const input = buildDefinition(prefix, command, opts);
      const hub = await ctx.hub();
      // Read the client secret first: a server added without the secret it needs would only fail later.
      if (opts.oauthClientSecretStdin) hub.vault.unlock();
      const clientSecret = opts.oauthClientSecretStdin
        ? await readSecret(`${prefix} OAuth client secret: `, ctx.stdin)
        : undefined;
      const stored = hub.registry.db.connection.transaction(() => {
        const added = hub.registry.servers.add(input);
        if (clientSecret !== undefined)
          hub.vault.set(clientSecretOwner(prefix), CLIENT_SECRET_NAME, clientSecret);
        return added;
      })();
      ctx.out.result(stored, () => `added ${stored.prefix} (${stored.transport})`);
      if (opts.secretVar.length > 0) {
        ctx.out.note(
          `set its secrets with: ${opts.secretVar.map((v) => `switchboard secret set ${prefix} ${v}`).join('; ')}`,
        );
      }
    });

  server
    .command('list')
    .description('list servers')
    .action(async () => {
      const hub = await ctx.hub();
      const servers = hub.registry.servers.list();
      ctx.out.result(servers, () =>
        servers.length === 0
          ? 'no servers yet: add one with `switchboard server add`'
          : table([
              ['PREFIX', 'TRANSPORT', 'ENABLED', 'TARGET'],
              ...servers.map((s) => [s.prefix, s.transport, s.enabled ? 'yes' : 'no', target(s)]),
            ]),
      );
    });

  server
    .command('show')
    .argument('<prefix>')
    .description('show one server definition (never secret values)')
    .action(async (prefix: string) => {
      const hub = await ctx.hub();
      const stored = hub.registry.servers.get(prefix);
      ctx.out.result(stored, () => JSON.stringify(stored, null, 2));
    });

  server
    .command('remove')
    .argument('<prefix>')
    .description('remove a server and every secret stored for it')
    .action(async (prefix: string) => {
      const hub = await ctx.hub();
      hub.variables.removeServer(prefix);
      ctx.out.result({ removed: prefix }, () => `removed ${prefix}`);
    });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    server
      .command(verb)
      .argument('<prefix>')
      .description(`${verb} a server`)
      .action(async (prefix: string) => {
        const hub = await ctx.hub();
        const stored = hub.registry.servers.setEnabled(prefix, enabled);
        ctx.out.result(stored, () => `${prefix} ${enabled ? 'enabled' : 'disabled'}`);
      });
  }
}

function buildDefinition(prefix: string, command: string[], opts: AddOptions): ServerDefinitionInput {
  const envVars = opts.secretVar.map((name) => ({ name, required: true, secret: true }));
  const common = {
    prefix,
    name: opts.name ?? prefix,
    enabled: !opts.disabled,
    keepRunning: !!opts.keepRunning,
    envVars,
  };
  if (opts.url !== undefined) {
    if (command.length > 0)
      throw new SwitchboardError('USAGE', 'give either --url or a command after --, not both');
    const transport = opts.transport ?? 'http';
    if (transport !== 'http' && transport !== 'sse') {
      throw new SwitchboardError('USAGE', `--transport must be "http" or "sse", not "${transport}"`);
    }
    return {
      ...common,
      transport,
      url: opts.url,
      headers: parseHeaderPairs(opts.header),
      ...oauthFromOptions(opts),
    };
  }
  if (Object.keys(oauthFromOptions(opts)).length > 0 || opts.oauthClientSecretStdin) {
    throw new SwitchboardError('USAGE', '--oauth-* and --pass-through are for remote servers (with --url)');
  }
  if (opts.header.length > 0 || opts.transport !== undefined) {
    throw new SwitchboardError('USAGE', '--header and --transport are for remote servers (with --url)');
  }
  const [executable, ...args] = command;
  if (executable === undefined) {
    throw new SwitchboardError(
      'USAGE',
      'give the command after --, e.g. `server add fs -- npx -y @modelcontextprotocol/server-filesystem ~/`, or --url URL',
    );
  }
  return {
    ...common,
    transport: 'stdio',
    command: executable,
    args,
    env: parseEnvPairs(opts.env),
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  };
}

function target(server: StoredServer): string {
  return server.transport === 'stdio' ? [server.command, ...server.args].join(' ') : server.url;
}
