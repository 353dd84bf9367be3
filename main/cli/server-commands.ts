import type { Command } from 'commander';
import type { ServerDefinitionInput } from '../../preload/contract/server-definition.ts';
import type { CliContext } from './context.ts';
import { table } from './output.ts';
import { collect, parseEnvPairs, parseHeaderPairs } from './parse-pairs.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { addOAuthOptions, oauthFromOptions, type OAuthAddOptions } from './auth-commands.ts';
import { readSecret } from './read-secret.ts';
import { toDefinition } from '../registry/server-repository.ts';
import { targetOf } from '../usecases/server-views.ts';

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
      warnAboutSecretsInArgs(input, ctx);
      await hub.useCases.servers.add(input, { clientSecret });
      const stored = hub.useCases.servers.stored(input.prefix);
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
              ...servers.map((s) => [s.prefix, s.transport, s.enabled ? 'yes' : 'no', targetOf(s)]),
            ]),
      );
    });

  server
    .command('show')
    .argument('<prefix>')
    .description('show one server definition (never secret values)')
    .action(async (prefix: string) => {
      const stored = (await ctx.hub()).useCases.servers.stored(prefix);
      ctx.out.result(stored, () => JSON.stringify(stored, null, 2));
    });

  server
    .command('remove')
    .argument('<prefix>')
    .description('remove a server and everything it owns: secrets, sign-ins, values, tool switches, history')
    .action(async (prefix: string) => {
      await (await ctx.hub()).useCases.servers.remove(prefix);
      ctx.out.result({ removed: prefix }, () => `removed ${prefix}`);
    });

  server
    .command('rename')
    .argument('<prefix>')
    .argument('<new-prefix>')
    .description('give a server a new prefix (its secrets, sign-in and history stay with it)')
    .action(async (prefix: string, next: string) => {
      const { servers } = (await ctx.hub()).useCases;
      const definition = toDefinition(servers.stored(prefix));
      await servers.update(prefix, { ...definition, prefix: next });
      ctx.out.result({ renamed: prefix, prefix: next }, () => `renamed ${prefix} to ${next}`);
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
        const { servers } = (await ctx.hub()).useCases;
        await servers.setEnabled(prefix, enabled);
        const stored = servers.stored(prefix);
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
    cwd: opts.cwd,
  };
}

/**
 * Every local user can read a process's arguments (`ps`), so a `${SECRET}` reference in args would put the
 * secret's value on display once the server runs. Say so, and how to pass it through the environment instead.
 */
function warnAboutSecretsInArgs(input: ServerDefinitionInput, ctx: CliContext): void {
  if (input.transport !== 'stdio') return;
  const secretNames = new Set((input.envVars ?? []).filter((v) => v.secret !== false).map((v) => v.name));
  const inArgs = (input.args ?? []).flatMap((arg) =>
    [...arg.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? ''),
  );
  const exposed = [...new Set(inArgs.filter((name) => secretNames.has(name)))];
  if (exposed.length === 0) return;
  ctx.out.note(
    `warning: ${exposed.join(', ')} ${exposed.length === 1 ? 'is a secret' : 'are secrets'} used in the command's ` +
      'arguments, which every user of this machine can read in the process list; pass ' +
      `${exposed.length === 1 ? 'it' : 'them'} in the environment instead (--env NAME=\${NAME}) if the server allows`,
  );
}
