/**
 * Splits valid TOML text into top-level items (table headers, key/value statements, comments, blank lines)
 * with exact offsets, so one table can be replaced or cut out while every other byte stays put. smol-toml
 * parses values but keeps no comments or positions; this scanner only finds boundaries. It assumes the text
 * already parsed (the caller checks with smol-toml first), and it follows multi-line strings and arrays so a
 * line inside them is never mistaken for a header.
 */

export type TomlItem =
  | { kind: 'blank' | 'comment'; start: number; end: number }
  | { kind: 'header'; start: number; end: number; path: string[]; array: boolean }
  | { kind: 'keyvalue'; start: number; end: number; key: string[] };

/** Every top-level item in order; `end` is just past the item's line break. */
export function scanToml(text: string): TomlItem[] {
  const items: TomlItem[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    let j = i;
    while (text[j] === ' ' || text[j] === '\t') j++;
    const ch = text[j];
    if (j >= text.length || ch === '\n' || ch === '\r') {
      i = afterLineBreak(text, j);
      items.push({ kind: 'blank', start, end: i });
    } else if (ch === '#') {
      i = afterLineBreak(text, lineEnd(text, j));
      items.push({ kind: 'comment', start, end: i });
    } else if (ch === '[') {
      const array = text[j + 1] === '[';
      const keyStart = j + (array ? 2 : 1);
      const { path, end: keyEnd } = parseKey(text, keyStart);
      const close = text.indexOf(array ? ']]' : ']', keyEnd);
      i = afterLineBreak(text, lineEnd(text, close < 0 ? keyEnd : close));
      items.push({ kind: 'header', start, end: i, path, array });
    } else {
      const { path, end: keyEnd } = parseKey(text, j);
      const eq = text.indexOf('=', keyEnd);
      i = afterLineBreak(text, valueEnd(text, eq < 0 ? keyEnd : eq + 1));
      items.push({ kind: 'keyvalue', start, end: i, key: path });
    }
  }
  return items;
}

/** Renders a TOML key segment: bare when it can be, quoted otherwise. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

/** A TOML basic string; JSON's escapes are a subset of TOML's, DEL is escaped too. */
export function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\x7f/g, '\\u007f');
}

/** Parses a dotted key starting at `pos` (bare, "basic" or 'literal' segments). */
function parseKey(text: string, pos: number): { path: string[]; end: number } {
  const path: string[] = [];
  let i = pos;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    const ch = text[i];
    if (ch === '"') {
      const end = skipBasicString(text, i);
      const raw = text.slice(i, end);
      path.push(decodeBasic(raw));
      i = end;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      path.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      const bare = match?.[0] ?? '';
      path.push(bare);
      i += bare.length;
    }
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '.') return { path, end: i };
    i++;
  }
}

/** Where a value that starts at `pos` ends: the line break after it, outside strings and brackets. */
function valueEnd(text: string, pos: number): number {
  let depth = 0;
  let i = pos;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i = text.startsWith('"""', i) ? skipMultiline(text, i, '"""', true) : skipBasicString(text, i);
    } else if (ch === "'") {
      i = text.startsWith("'''", i) ? skipMultiline(text, i, "'''", false) : text.indexOf("'", i + 1) + 1;
    } else if (ch === '#') {
      i = lineEnd(text, i);
    } else if (ch === '[' || ch === '{') {
      depth++;
      i++;
    } else if (ch === ']' || ch === '}') {
      depth--;
      i++;
    } else if ((ch === '\n' || ch === '\r') && depth <= 0) {
      return i;
    } else {
      i++;
    }
  }
  return i;
}

function skipBasicString(text: string, pos: number): number {
  let i = pos + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipMultiline(text: string, pos: number, quote: string, escapes: boolean): number {
  let i = pos + 3;
  while (i < text.length) {
    if (escapes && text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text.startsWith(quote, i)) {
      // Up to two extra quotes may close the string (`""""` ends with a quote inside).
      let end = i + 3;
      while (text[end] === quote[0] && end - i < 5) end++;
      return end;
    }
    i++;
  }
  return i;
}

function decodeBasic(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

function lineEnd(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

function afterLineBreak(text: string, pos: number): number {
  if (text.startsWith('\r\n', pos)) return pos + 2;
  if (text[pos] === '\n' || text[pos] === '\r') return pos + 1;
  return pos;
}
