import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';
import { errorMessage } from '../lib/errors.ts';

/** app.*: what the About box and the vault banner show. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { hub } = deps.services;
  return {
    'app.info': () => ({
      version: deps.version,
      dataDir: hub.dataDir,
      platform: deps.clientContext.platform,
      mode: deps.mode,
      vault: vaultState(),
    }),
  };

  function vaultState(): { ok: boolean; message?: string } {
    try {
      // Opens the data key once (cached afterwards); for an empty vault, checks that a key store is reachable.
      hub.vault.unlock();
      return { ok: true };
    } catch (error) {
      return {
        ok: false,
        message: hub.redactor.redact(errorMessage(error)),
      };
    }
  }
}
