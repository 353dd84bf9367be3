import { scanToml, type TomlItem } from './toml-scan.ts';

/**
 * Finds, appends, replaces and removes one `[a.b]` table (with its `[a.b.*]` subtables) as text, so comments
 * and formatting everywhere else in the file survive untouched.
 */

export interface TableExtent {
  start: number;
  /** Just past the table's last statement; trailing blank and comment lines belong to what follows. */
  end: number;
  /** The header, the statements and the subtables, in order. */
  items: TomlItem[];
}

/** The text range of the table at `path` (a `[path]` header, not `[[path]]`), or undefined. */
export function findTable(text: string, path: string[]): TableExtent | undefined {
  const items = scanToml(text);
  const header = items.findIndex(
    (item) => item.kind === 'header' && !item.array && samePath(item.path, path),
  );
  const first = items[header];
  if (first === undefined) return undefined;
  let stop = header + 1;
  while (stop < items.length) {
    const item = items[stop];
    if (item?.kind === 'header' && !startsWith(item.path, path)) break;
    stop++;
  }
  while (stop - 1 > header && isTrivia(items[stop - 1])) stop--;
  const last = items[stop - 1] ?? first;
  return { start: first.start, end: last.end, items: items.slice(header, stop) };
}

/**
 * Appends a table block on a new line after the existing text (one line break added, so a file ending in a
 * newline gets a blank line before the block). Exactly one line break is added in every case, which makes
 * the append exactly reversible by `removeTable`.
 */
export function appendTable(text: string, block: string, eol: string): string {
  return text === '' ? block : text + eol + block;
}

/** Cuts a table out; when it was the last thing in the file, also the line break `appendTable` added. */
export function removeTable(text: string, extent: TableExtent, eol: string): string {
  const before = text.slice(0, extent.start);
  const after = text.slice(extent.end);
  const block = text.slice(extent.start, extent.end);
  if (after === '') {
    const candidate = before.endsWith(eol) ? before.slice(0, -eol.length) : before;
    if (appendTable(candidate, block, eol) === text) return candidate;
    return before;
  }
  // In the middle of the file: do not leave two blank lines where there was one.
  if (/(\r?\n)[ \t]*(\r?\n)$/.test(before) && /^[ \t]*\r?\n/.test(after)) {
    return before + after.replace(/^[ \t]*\r?\n/, '');
  }
  return before + after;
}

function isTrivia(item: TomlItem | undefined): boolean {
  return item?.kind === 'blank' || item?.kind === 'comment';
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

function startsWith(path: string[], prefix: string[]): boolean {
  return path.length >= prefix.length && prefix.every((segment, i) => segment === path[i]);
}
