import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import { exportDocument, importDocument } from '../registry/transfer.ts';
import type { UseCaseContext } from './context.ts';

/** Server definitions as a JSON document; secret values are never in it. */
export interface TransferUseCases {
  /** The export document as text (pretty JSON, trailing newline). */
  exportText(): string;
  /** Imports every definition of an export document, or none (the error names the entry and field). */
  importText(text: string): Promise<string[]>;
}

/** The transfer use-cases over a context. */
export function transferUseCases(ctx: UseCaseContext): TransferUseCases {
  const { registry } = ctx;
  return {
    exportText: () => JSON.stringify(exportDocument(registry.servers.list()), null, 2) + '\n',
    async importText(text) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new SwitchboardError('VALIDATION', `text: not JSON (${errorMessage(error)})`, {
          details: { issues: [{ path: ['text'], message: 'is not JSON' }] },
        });
      }
      const added = registry.write(() => importDocument(registry.servers, raw));
      if (added.length > 0) await ctx.runtime()?.serversChanged();
      return added.map((s) => s.prefix);
    },
  };
}
