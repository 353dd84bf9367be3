import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import { exportDocument, importDocument } from '../registry/transfer.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** transfer.*: server definitions as a JSON document (secret values are never in it). */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { registry } = services.hub;
  return {
    'transfer.export': () => ({
      text: JSON.stringify(exportDocument(registry.servers.list()), null, 2) + '\n',
    }),
    'transfer.import': async ({ text }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new SwitchboardError('VALIDATION', `text: not JSON (${errorMessage(error)})`, {
          details: { issues: [{ path: ['text'], message: 'is not JSON' }] },
        });
      }
      const added = importDocument(registry.db, registry.servers, raw);
      if (added.length > 0) await services.serversChanged();
      return { imported: added.map((s) => s.prefix) };
    },
  };
}
