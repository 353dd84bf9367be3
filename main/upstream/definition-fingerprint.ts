import { createHash } from 'node:crypto';
import type { ServerDefinition } from '../../preload/contract/server-definition.ts';

/**
 * Fingerprints that tell `sync()` what changed. The definition hash covers only what decides which server we
 * talk to (command, args, URL, headers…), not its display name, so renaming the label restarts nothing and
 * the cached catalog stays valid. The runtime fingerprint adds the values (secrets included, hashed only in
 * memory), so filling in a token restarts that one server.
 */

/** Hash of the connection-relevant fields of a definition (stored with the catalog). */
export function definitionHash(def: ServerDefinition): string {
  const relevant =
    def.transport === 'stdio'
      ? {
          transport: def.transport,
          command: def.command,
          args: def.args,
          cwd: def.cwd ?? null,
          env: sorted(def.env),
        }
      : { transport: def.transport, url: def.url, headers: sorted(def.headers) };
  return sha256(JSON.stringify(relevant));
}

/** Hash of the definition plus the variables' values: equal fingerprints need no restart. */
export function runtimeFingerprint(
  def: ServerDefinition,
  values: Record<string, string | undefined>,
): string {
  const declared = def.envVars.map((spec) => [
    spec.name,
    spec.required,
    spec.default ?? null,
    values[spec.name] ?? null,
  ]);
  return sha256(JSON.stringify([definitionHash(def), declared]));
}

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
