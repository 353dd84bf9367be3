import { z } from 'zod';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { toDefinition, type ServerRepository } from './server-repository.ts';

/** The export file format: definitions only. Secret VALUES never leave the vault; specs say what is needed. */
export const EXPORT_FORMAT = 'switchboard-servers';
export const EXPORT_VERSION = 1;

const ExportDocumentSchema = z.object({
  format: z.literal(EXPORT_FORMAT, {
    error: `is not "${EXPORT_FORMAT}": this is not a Switchboard export file`,
  }),
  version: z.literal(EXPORT_VERSION, {
    error: `must be ${EXPORT_VERSION}; this file comes from another Switchboard version`,
  }),
  servers: z.array(z.unknown()),
});

/** Builds the export document for the given servers. */
export function exportDocument(servers: StoredServer[]) {
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, servers: servers.map(toDefinition) };
}

/**
 * Adds every definition of an export document; run it in ONE transaction (`registry.write`): if any
 * definition is invalid or its prefix is taken, nothing is written and the error names the entry and field.
 */
export function importDocument(servers: ServerRepository, raw: unknown): StoredServer[] {
  const parsed = ExportDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new SwitchboardError('VALIDATION', `not a valid export file:\n${lines.join('\n')}`);
  }
  return parsed.data.servers.map((entry, index) => {
    try {
      return servers.add(entry);
    } catch (error) {
      if (error instanceof SwitchboardError) {
        throw new SwitchboardError(error.code, `servers[${index}]: ${error.message}`, {
          details: error.details,
        });
      }
      throw error;
    }
  });
}
