import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { renderVariables } from './variables-table.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { toDefinition } from '../registry/server-repository.ts';

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
      const hub = await ctx.hub();
      const server = hub.registry.servers.get(prefix);
      const spec = server.envVars.find((v) => v.name === name);
      if (spec?.secret) {
        throw new SwitchboardError(
          'VALIDATION',
          `${name} is a secret variable of ${prefix}: set it with \`switchboard secret set ${prefix} ${name}\` ` +
            '(reads the value from stdin, so it never shows in the process list)',
        );
      }
      const declared = spec === undefined;
      hub.registry.db.connection.transaction(() => {
        if (declared) {
          const def = toDefinition(server);
          hub.registry.servers.update(prefix, {
            ...def,
            envVars: [...def.envVars, { name, required: false, secret: false }],
          });
        }
        hub.variables.set(prefix, name, value);
      })();
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
      const hub = await ctx.hub();
      hub.registry.servers.get(prefix);
      const removed = hub.variables.unset(prefix, name);
      ctx.out.result({ prefix, name, removed }, () =>
        removed ? `unset ${name} for ${prefix}` : `${name} was not set for ${prefix}`,
      );
    });

  variable
    .command('list')
    .argument('<prefix>')
    .description('list declared variables and whether each is set (never values)')
    .action(async (prefix: string) => {
      const hub = await ctx.hub();
      const entries = hub.variables.list(prefix);
      ctx.out.result(entries, () => renderVariables(prefix, entries));
    });

  variable
    .command('clear')
    .argument('<prefix>')
    .description('remove every value set for a server, secret and plain')
    .action(async (prefix: string) => {
      const hub = await ctx.hub();
      hub.registry.servers.get(prefix);
      const removed = hub.variables.clear(prefix);
      ctx.out.result({ prefix, removed }, () =>
        removed === 0 ? `${prefix} had no values set` : `removed ${removed} value(s) of ${prefix}`,
      );
    });
}
