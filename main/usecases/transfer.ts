import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import { exportDocument, importDocument } from '../registry/transfer.ts';
import type { UseCaseContext } from './context.ts';

/** Server definitions and profiles as a JSON document; secret values and client tokens are never in it. */
export interface TransferUseCases {
  /** The export document as text (pretty JSON, trailing newline). */
  exportText(): string;
  /**
   * Imports every definition and profile of an export document, or none (the error names the entry and field).
   * Returns the prefixes of the servers added and the names of the profiles created or changed.
   */
  importText(text: string): Promise<{ servers: string[]; profiles: string[] }>;
}

/** The transfer use-cases over a context. */
export function transferUseCases(ctx: UseCaseContext): TransferUseCases {
  const { registry } = ctx;
  return {
    exportText: () => {
      // Servers first: a rule of a server removed meanwhile names no server of the file and is left out.
      const servers = registry.servers.list();
      const profiles = { list: registry.profiles.list(), snapshot: registry.profiles.snapshot() };
      return JSON.stringify(exportDocument(servers, profiles), null, 2) + '\n';
    },
    async importText(text) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new SwitchboardError('VALIDATION', `text: not JSON (${errorMessage(error)})`, {
          details: { issues: [{ path: ['text'], message: 'is not JSON' }] },
        });
      }
      const added = registry.write(() =>
        importDocument({ servers: registry.servers, profiles: registry.profiles }, raw),
      );
      // Profiles first: the running hub re-reads them before the new servers' catalogs arrive.
      if (added.profiles.length > 0) ctx.runtime()?.emit('profiles.changed', {});
      if (added.servers.length > 0) await ctx.runtime()?.serversChanged();
      return { servers: added.servers.map((s) => s.prefix), profiles: added.profiles };
    },
  };
}
