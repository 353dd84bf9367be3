import { errorMessage } from '../lib/errors.ts';
import type { UseCaseContext } from './context.ts';

/** Whether the vault can be opened (a key store is reachable); the window shows a banner when not. */
export interface VaultUseCases {
  state(): { ok: boolean; message?: string };
}

/** The vault use-cases over a context. */
export function vaultUseCases(ctx: UseCaseContext): VaultUseCases {
  return {
    state() {
      try {
        // Opens the data key once (cached afterwards); for an empty vault, checks that a key store is reachable.
        ctx.vault.unlock();
        return { ok: true };
      } catch (error) {
        return { ok: false, message: ctx.redactor.redact(errorMessage(error)) };
      }
    },
  };
}
