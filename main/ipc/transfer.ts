import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** transfer.*: server definitions and profiles as a JSON document (secret values are never in it). */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { transfer } = hub.useCases;
  return {
    'transfer.export': () => ({ text: transfer.exportText() }),
    'transfer.import': async ({ text }) => {
      const { servers, profiles } = await transfer.importText(text);
      return { imported: servers, profiles };
    },
  };
}
