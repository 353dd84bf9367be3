import { errorMessage } from '../lib/errors.ts';
import type { KeyProviderKind } from '../vault/key-provider.ts';
import type { UseCaseContext } from './context.ts';

/**
 * Whether the vault can be opened (a key store is reachable), and with which key store; the window shows a
 * banner when not, and names the key store when it is (a passphrase vault is not "the OS key store").
 */
export interface VaultUseCases {
  state(): { ok: boolean; message?: string; keyStore?: KeyProviderKind };
}

/** The vault use-cases over a context. */
export function vaultUseCases(ctx: UseCaseContext): VaultUseCases {
  return {
    state() {
      try {
        // Opens the data key once (cached afterwards); for an empty vault, checks that a key store is reachable.
        const { provider } = ctx.vault.unlock();
        return provider === null ? { ok: true } : { ok: true, keyStore: provider };
      } catch (error) {
        return { ok: false, message: ctx.redactor.redact(errorMessage(error)) };
      }
    },
  };
}
