import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { renderVariables } from './variables-table.ts';

/**
 * `switchboard var …`: a server's NON-secret variables (values on the command line are visible to other
 * users of the machine through the process list, so secrets go through `secret set`, which reads stdin).
 * `list` and `clear` cover every variable, secret or not; no read path ever prints a value.
 */
export function registerVarCommands(program: Command, ctx: CliContext): void {
  const variable = program
    .command('var')
    .description("manage a server's variables (non-secret values here; secrets with `secret set`)");

  variable
    .command('set')
    .argument('<prefix>')
    .argument('<name>', 'variable name, e.g. REGION')
    .argument('<value>', 'the value (not for secrets: use `switchboard secret set PREFIX NAME`)')
    .description('set a non-secret variable (declares it as optional and non-secret if the server does not)')
    .action(async (prefix: string, name: string, value: string) => {
      const { declared } = await (
        await ctx.hub()
      ).useCases.variables.set(prefix, name, value, { as: 'plain' });
      ctx.out.result({ prefix, name, isSet: true, secret: false, declared }, () =>
        declared
          ? `set ${name} for ${prefix} (declared it as a non-secret variable of ${prefix})`
          : `set ${name} for ${prefix}`,
      );
    });

  variable
    .command('unset')
    .argument('<prefix>')
    .argument('<name>')
    .description('remove the value of one variable (its default, if any, applies again)')
    .action(async (prefix: string, name: string) => {
      const removed = await (await ctx.hub()).useCases.variables.unset(prefix, name);
      ctx.out.result({ prefix, name, removed }, () =>
        removed ? `unset ${name} for ${prefix}` : `${name} was not set for ${prefix}`,
      );
    });

  variable
    .command('list')
    .argument('<prefix>')
    .description('list declared variables and whether each is set (never values)')
    .action(async (prefix: string) => {
      const entries = (await ctx.hub()).useCases.variables.list(prefix);
      ctx.out.result(entries, () => renderVariables(prefix, entries));
    });

  variable
    .command('clear')
    .argument('<prefix>')
    .description('remove every value set for a server, secret and plain')
    .action(async (prefix: string) => {
      const removed = await (await ctx.hub()).useCases.variables.clear(prefix);
      ctx.out.result({ prefix, removed }, () =>
        removed === 0 ? `${prefix} had no values set` : `removed ${removed} value(s) of ${prefix}`,
      );
    });
}
