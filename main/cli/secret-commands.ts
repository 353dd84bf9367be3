import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { renderVariables } from './variables-table.ts';
import { readSecret } from './read-secret.ts';

/** `switchboard secret …`: write-only per-server secrets; values are read from stdin, never argv, never shown. */
export function registerSecretCommands(program: Command, ctx: CliContext): void {
  const secret = program
    .command('secret')
    .description("manage a server's secret variables (values are never shown)");

  secret
    .command('set')
    .argument('<prefix>')
    .argument('<name>', 'variable name, e.g. GITHUB_TOKEN')
    .description('set a secret from stdin or a hidden prompt')
    .action(async (prefix: string, name: string) => {
      const hub = await ctx.hub();
      // Fail with NOT_FOUND or VAULT_UNAVAILABLE before asking for a value the person would then lose.
      const spec = hub.registry.servers.get(prefix).envVars.find((v) => v.name === name);
      if (spec?.secret !== false) hub.vault.unlock();
      const value = await readSecret(`${prefix} ${name}: `, ctx.stdin);
      const { state, declared } = await hub.useCases.variables.set(prefix, name, value);
      const { secret } = state;
      ctx.out.result({ prefix, name, isSet: true, secret, declared }, () =>
        declared
          ? `set ${name} for ${prefix} (declared it as a secret variable of ${prefix})`
          : `set ${name} for ${prefix}`,
      );
    });

  secret
    .command('unset')
    .argument('<prefix>')
    .argument('<name>')
    .description('delete a secret')
    .action(async (prefix: string, name: string) => {
      const removed = await (await ctx.hub()).useCases.variables.unset(prefix, name);
      ctx.out.result({ prefix, name, removed }, () =>
        removed ? `unset ${name} for ${prefix}` : `${name} was not set for ${prefix}`,
      );
    });

  secret
    .command('list')
    .argument('<prefix>')
    .description('list secret names and whether each is set')
    .action(async (prefix: string) => {
      const entries = (await ctx.hub()).useCases.variables.list(prefix);
      ctx.out.result(entries, () => renderVariables(prefix, entries));
    });
}
