import { PREFIX_MAX_LENGTH } from '../../preload/contract/server-definition.ts';

/**
 * A valid prefix from any client entry name: lowercase, runs of other characters become `-`, no `__`, no
 * leading or trailing `-`/`_`, at most PREFIX_MAX_LENGTH characters; `server` when nothing usable is left.
 */
export function sanitizePrefix(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/_{2,}/g, '_')
    .replace(/-{2,}/g, '-');
  return trimEdges(cleaned.slice(0, PREFIX_MAX_LENGTH)) || 'server';
}

/** `base`, or `base-2`, `base-3` … (shortened to fit) — the first one not in `taken`. */
export function uniquePrefix(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = trimEdges(base.slice(0, PREFIX_MAX_LENGTH - suffix.length)) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

function trimEdges(prefix: string): string {
  return prefix.replace(/^[-_]+/, '').replace(/[-_]+$/, '');
}
