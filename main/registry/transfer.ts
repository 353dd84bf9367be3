import { z } from 'zod';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Profile, ProfileSnapshot } from '../profiles/profile-model.ts';
import type { ProfileRepository } from './profile-repository.ts';
import { ExportedProfileSchema, exportProfiles, importProfiles } from './profile-transfer.ts';
import { toDefinition, type ServerRepository } from './server-repository.ts';

/**
 * The export file format: server definitions and profiles (profile-transfer.ts). Secret VALUES never leave the vault
 * (specs say what is needed), and no client token is in it. `profiles` is optional: a file written before profiles
 * were exported imports its servers and leaves the profiles alone.
 */
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
  profiles: z.array(ExportedProfileSchema).optional(),
});

/** Builds the export document for the given servers and profiles. */
export function exportDocument(
  servers: StoredServer[],
  profiles: { list: readonly Profile[]; snapshot: ProfileSnapshot },
) {
  const prefixOf = new Map(servers.map((s) => [s.id, s.prefix]));
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    servers: servers.map(toDefinition),
    profiles: exportProfiles(profiles.list, profiles.snapshot, prefixOf),
  };
}

/** `profiles.1.budget.tools` as `profiles[1].budget.tools`. */
function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`,
    '',
  );
}

/**
 * Adds every definition of an export document, then its profiles; run it in ONE transaction (`registry.write`): if
 * any definition or profile is invalid or a prefix is taken, nothing is written and the error names the entry and
 * field. Returns the servers added and the names of the profiles created or changed.
 */
export function importDocument(
  repositories: { servers: ServerRepository; profiles: ProfileRepository },
  raw: unknown,
): { servers: StoredServer[]; profiles: string[] } {
  const parsed = ExportDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${pathText(i.path) || '(file)'}: ${i.message}`);
    throw new SwitchboardError('VALIDATION', `not a valid export file:\n${lines.join('\n')}`);
  }
  // With no server here yet, no client sees anything: the file's profiles can be taken whole.
  const restore = repositories.servers.list().length === 0;
  const servers = parsed.data.servers.map((entry, index) => {
    try {
      return repositories.servers.add(entry);
    } catch (error) {
      if (error instanceof SwitchboardError) {
        throw new SwitchboardError(error.code, `servers[${index}]: ${error.message}`, {
          details: error.details,
        });
      }
      throw error;
    }
  });
  const ids = new Map(servers.map((s) => [s.prefix, s.id]));
  const profiles = importProfiles(repositories.profiles, parsed.data.profiles ?? [], ids, restore);
  return { servers, profiles };
}
