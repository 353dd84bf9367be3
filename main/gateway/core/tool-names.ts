import { createHash } from 'node:crypto';

/**
 * Exposed names of upstream tools and prompts in the aggregate scope: `<prefix>__<name>`.
 *
 * Clients reject names outside `[A-Za-z0-9_.-]` and longer than 64 characters (Cursor counts 60 including its
 * own prefix), so a name that does not fit as-is is shortened deterministically: invalid characters become `_`,
 * the name is cut to fit and `_` + 8 hex digits of sha256(prefix NUL name) is appended. The hash is taken over
 * the ORIGINAL name, so two names that sanitize or truncate alike still get different exposed names, and the
 * same tool keeps its exposed name across restarts. The reverse mapping is a lookup in the index built from
 * the catalog — never a parse — so it is exact.
 */

export const MAX_EXPOSED_NAME_LENGTH = 64;
export const NAME_SEPARATOR = '__';
const VALID = /^[A-Za-z0-9_.-]+$/;
const HASH_LENGTH = 8;

/** True when `name` can be exposed unchanged (valid characters, fits the limit). */
export function isExposable(name: string): boolean {
  return name.length > 0 && name.length <= MAX_EXPOSED_NAME_LENGTH && VALID.test(name);
}

/** The exposed name of tool/prompt `name` of server `prefix` (hashLength > 8 only to break a collision). */
export function exposedName(prefix: string, name: string, hashLength = HASH_LENGTH): string {
  const plain = `${prefix}${NAME_SEPARATOR}${name}`;
  if (hashLength === HASH_LENGTH && isExposable(plain) && VALID.test(name)) return plain;
  const hash = shortHash(prefix, name, hashLength);
  const room = MAX_EXPOSED_NAME_LENGTH - prefix.length - NAME_SEPARATOR.length - 1 - hash.length;
  const sanitized = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, Math.max(room, 0));
  return `${prefix}${NAME_SEPARATOR}${sanitized}_${hash}`;
}

/** Where an exposed name leads. */
export interface NameTarget {
  prefix: string;
  name: string;
}

/** Both directions of the name mapping for one set of (prefix, name) pairs. */
export interface NameIndex {
  /** The exposed name of a pair, or undefined when the pair is not in the index. */
  exposedOf(prefix: string, name: string): string | undefined;
  /** The pair behind an exposed name, or undefined for an unknown name. */
  targetOf(exposed: string): NameTarget | undefined;
}

/**
 * Builds the index for `pairs`. Collisions cannot happen between two hashed names (different originals,
 * different hashes, barring a sha256 collision), but a server may literally have a tool named like another
 * tool's hashed form; then the hashed one gets a longer hash. Pairs are processed in a fixed order (plain
 * names first, then by prefix and name), so the result does not depend on the order of the input.
 */
export function buildNameIndex(pairs: Iterable<NameTarget>): NameIndex {
  const forward = new Map<string, string>();
  const reverse = new Map<string, NameTarget>();
  const key = (p: string, n: string) => `${p}\0${n}`;
  const unique = new Map<string, NameTarget>();
  for (const pair of pairs) unique.set(key(pair.prefix, pair.name), pair);
  const ordered = [...unique.values()]
    .map((pair) => {
      const exposed = exposedName(pair.prefix, pair.name);
      return { pair, exposed, hashed: exposed === `${pair.prefix}${NAME_SEPARATOR}${pair.name}` ? 0 : 1 };
    })
    .sort(
      (a, b) =>
        a.hashed - b.hashed || compare(a.pair.prefix, b.pair.prefix) || compare(a.pair.name, b.pair.name),
    );
  for (const { pair, exposed: first } of ordered) {
    let exposed = first;
    for (let length = 16; reverse.has(exposed) && length <= 32; length += 8)
      exposed = exposedName(pair.prefix, pair.name, length);
    if (reverse.has(exposed)) continue; // Unreachable short of a sha256 collision; never map two pairs to one name.
    forward.set(key(pair.prefix, pair.name), exposed);
    reverse.set(exposed, pair);
  }
  return {
    exposedOf: (prefix, name) => forward.get(key(prefix, name)),
    targetOf: (exposed) => reverse.get(exposed),
  };
}

function shortHash(prefix: string, name: string, length: number): string {
  return createHash('sha256').update(`${prefix}\0${name}`).digest('hex').slice(0, length);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
