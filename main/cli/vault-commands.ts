import type { Command } from 'commander';
import type { CliContext } from './context.ts';

/** `switchboard vault rotate`: re-encrypts every secret under a new data key in one transaction. */
export function registerVaultCommands(program: Command, ctx: CliContext): void {
  const vault = program.command('vault').description('the encrypted secret store');
  vault
    .command('rotate')
    .description('re-encrypt every secret under a new data key (atomic: all or nothing)')
    .action(async () => {
      const hub = await ctx.hub();
      const status = hub.vault.rotate();
      ctx.out.result(status, () =>
        status.keyId === null
          ? 'the vault is empty: nothing to rotate'
          : `rotated: ${status.secretCount} secrets now under key ${status.keyId} (held by ${status.holders.join(', ')})`,
      );
    });
  vault
    .command('status')
    .description('which key store protects the vault, and whether it is reachable')
    .action(async () => {
      const hub = await ctx.hub();
      const status = hub.vault.status();
      ctx.out.result(
        status,
        () =>
          `key ${status.keyId ?? '(none yet)'}, held by ${status.holders.join(', ') || 'nobody yet'}, ${status.secretCount} secrets`,
      );
    });
}
