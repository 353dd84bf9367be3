/**
 * A word-level diff of two texts (the approved and the offered tool definition, pretty-printed), for people:
 * what was removed and what was added, with the unchanged words around them. Tokens are runs of letters and
 * digits, runs of whitespace, and single other characters, so a changed word in a description shows as that
 * word, and JSON punctuation never glues two words into one token.
 */

export type DiffOp = 'same' | 'added' | 'removed';

export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** Above this many token pairs the middle part is shown as removed-then-added instead of aligned word by word. */
const MAX_CELLS = 4_000_000;

/** Splits text into diff tokens. */
export function diffTokens(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** The diff of `before` and `after` as runs of equal, removed and added text (adjacent runs of one op merged). */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = diffTokens(before);
  const b = diffTokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  const push = (op: DiffOp, text: string) => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last?.op === op) last.text += text;
    else parts.push({ op, text });
  };
  push('same', a.slice(0, start).join(''));
  for (const part of diffMiddle(a.slice(start, endA), b.slice(start, endB))) push(part.op, part.text);
  push('same', a.slice(endA).join(''));
  return parts;
}

/** LCS alignment of two token lists (dynamic programming over the part that differs). */
function diffMiddle(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_CELLS) {
    return [
      { op: 'removed', text: a.join('') },
      { op: 'added', text: b.join('') },
    ];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], row-major in one typed array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      parts.push({ op: 'same', text: a[i++]! });
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      parts.push({ op: 'removed', text: a[i++]! });
    } else {
      parts.push({ op: 'added', text: b[j++]! });
    }
  }
  while (i < n) parts.push({ op: 'removed', text: a[i++]! });
  while (j < m) parts.push({ op: 'added', text: b[j++]! });
  return parts;
}
