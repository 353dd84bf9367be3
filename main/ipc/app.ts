import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** app.*: what the About box and the vault banner show. */
export function register({ hub, version, mode }: IpcDeps): PartialHandlerTable {
  return {
    'app.info': () => ({
      version,
      dataDir: hub.dataDir,
      platform: process.platform,
      mode,
      vault: hub.useCases.vault.state(),
    }),
  };
}
