import { SwitchboardError } from '../lib/errors.ts';
import type { ClientAdapter, ImportedServer } from './client-adapter.ts';
import { describeEntry, isSwitchboardEntry, type SelfIdentity } from './self-entry.ts';
import { SWITCHBOARD_ENTRY_NAME } from './switchboard-entry.ts';

/**
 * Who the entry named `switchboard` in a client's file belongs to, before anything writes or removes it:
 * - `absent`: there is none, ours can be added;
 * - `ours`: written by Switchboard (maybe for an old port or a revoked token), so it may be updated or removed;
 * - `theirs`: a person's own server that happens to have our name: never overwritten, never removed;
 * - `duplicate`: more than one entry has the name. JSON readers keep the LAST one, while an editor changes the
 *   first, so writing would report "connected" while the client still uses the other copy.
 */
export type OurEntry =
  | { kind: 'absent' }
  | { kind: 'ours'; server: ImportedServer }
  | { kind: 'theirs'; server: ImportedServer }
  | { kind: 'duplicate'; count: number; lines: number[] };

/** Finds our entry among the file's servers (`text` is only used to say on which lines duplicates are). */
export function findOurEntry(servers: ImportedServer[], text: string, self: SelfIdentity): OurEntry {
  const named = servers.filter((s) => s.name === SWITCHBOARD_ENTRY_NAME);
  if (named.length > 1) return { kind: 'duplicate', count: named.length, lines: entryLines(text) };
  const server = named[0];
  if (server === undefined) return { kind: 'absent' };
  return isSwitchboardEntry(server, self) ? { kind: 'ours', server } : { kind: 'theirs', server };
}

/** What a conflicting entry means for the person, cause first; undefined when there is no conflict. */
export function entryConflict(
  file: string,
  adapter: ClientAdapter,
  found: OurEntry,
  action: 'connect' | 'disconnect',
): SwitchboardError | undefined {
  if (found.kind === 'duplicate') {
    const where = found.lines.length === found.count ? ` (lines ${joinAnd(found.lines.map(String))})` : '';
    return new SwitchboardError(
      'CONFLICT',
      `${file} has ${countWord(found.count)} entries named "${SWITCHBOARD_ENTRY_NAME}"${where}; ` +
        `${adapter.displayName} uses the last one, so Switchboard would change a copy it never reads. ` +
        `Delete the copies you do not want (keep one), then ${action} ${adapter.displayName} again.`,
      { details: { file, problem: 'duplicate entries', lines: found.lines } },
    );
  }
  if (found.kind === 'theirs') {
    const next =
      action === 'connect'
        ? `Rename that entry in the file (or import it first: switchboard import ${adapter.id}), then connect again.`
        : 'Switchboard left it alone; rename or remove it yourself if you no longer want it.';
    return new SwitchboardError(
      'CONFLICT',
      `${file} already has an entry named "${SWITCHBOARD_ENTRY_NAME}" that is not Switchboard's ` +
        `(${describeEntry(found.server)}). ${next}`,
      { details: { file, problem: 'foreign entry' } },
    );
  }
  return undefined;
}

/** 1-based lines where a `"switchboard":` key or a `[mcp_servers.switchboard]` table starts. */
function entryLines(text: string): number[] {
  const key = new RegExp(
    `^\\s*(?:"${SWITCHBOARD_ENTRY_NAME}"\\s*:|\\[\\s*mcp_servers\\.${SWITCHBOARD_ENTRY_NAME}\\s*\\])`,
  );
  return text.split(/\r?\n/).flatMap((line, index) => (key.test(line) ? [index + 1] : []));
}

function countWord(count: number): string {
  return ['zero', 'one', 'two', 'three', 'four'][count] ?? String(count);
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
