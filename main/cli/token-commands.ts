import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { table } from './output.ts';

/** `switchboard token create|list|revoke`: one bearer token per AI client app; shown once, stored hashed. */
export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program
    .command('token')
    .description('manage the client tokens AI apps use to call the gateway (shown once, stored hashed)');
  const tokenUseCases = async () => (await ctx.hub()).useCases.tokens;

  token
    .command('create')
    .argument('<name>', 'the client app, e.g. cursor, vscode, claude-code')
    .description('create a token and print it ONCE (it cannot be shown again)')
    .action(async (name: string) => {
      const { token: value, info } = (await tokenUseCases()).create(name);
      ctx.out.result({ ...info, token: value }, () => value);
      ctx.out.note(
        `Token for "${info.name}" printed above; it is shown only this once. ` +
          'The client sends it as "Authorization: Bearer <token>". Revoke it with `switchboard token revoke ' +
          `${info.name}\`.`,
      );
    });

  token
    .command('list')
    .description('list tokens: name, created, last used (never the token)')
    .action(async () => {
      const tokens = (await tokenUseCases()).list();
      ctx.out.result(tokens, () =>
        tokens.length === 0
          ? 'no client tokens yet; create one with `switchboard token create <name>`'
          : table([
              ['NAME', 'CREATED', 'LAST USED'],
              ...tokens.map((t) => [t.name, t.createdAt, t.lastUsedAt ?? 'never']),
            ]),
      );
    });

  token
    .command('revoke')
    .argument('<name>')
    .description('delete a token; a running hub refuses it within a moment (250 ms)')
    .action(async (name: string) => {
      const revoked = (await tokenUseCases()).revoke(name);
      ctx.out.result({ revoked: revoked.name }, () => `revoked the token of ${revoked.name}`);
    });
}
