/**
 * Finds many literal strings in a text in one pass: the exact forms of every vault secret (secret-forms.ts),
 * searched in every tool result. One alternation regex of a few hundred literals costs V8 tens of milliseconds
 * per MiB; this costs a table lookup per character.
 *
 * An Aho–Corasick automaton over UTF-16 code units is built from the first ANCHOR_LENGTH characters of each
 * literal (OAuth tokens run to kilobytes, and the automaton's table grows with the total length it covers);
 * where an anchor matches, the whole literal is compared in place. Built once per vault change; `find`
 * allocates nothing unless something matches.
 */

/** A match: `[start, end)` in the text and the index of the literal (in the order given to the builder). */
export interface ExactMatch {
  start: number;
  end: number;
  pattern: number;
}

export interface ExactMatcher {
  /** How many literals it searches for. */
  readonly size: number;
  /**
   * Leftmost-longest, non-overlapping matches in order. `accept(pattern)` may refuse a literal (it belongs to
   * the caller's own server): then another accepted literal at the same place is used, if any.
   */
  find(text: string, accept?: (pattern: number) => boolean): ExactMatch[];
}

const ANCHOR_LENGTH = 32;

/** Builds the matcher; empty literals are ignored. */
export function createExactMatcher(patterns: readonly string[]): ExactMatcher {
  // Literals by anchor, longest first (the longest one present wins at a place).
  const byAnchor = new Map<string, number[]>();
  patterns.forEach((p, index) => {
    if (p.length === 0) return;
    const anchor = p.slice(0, ANCHOR_LENGTH);
    const list = byAnchor.get(anchor);
    if (list) list.push(index);
    else byAnchor.set(anchor, [index]);
  });
  for (const list of byAnchor.values()) list.sort((a, b) => patterns[b]!.length - patterns[a]!.length);
  const anchors = [...byAnchor.keys()];

  // Alphabet: only the code units the anchors use get a class; every other unit resets to the root.
  const classOf = new Uint16Array(65536);
  let classes = 1;
  for (const anchor of anchors) {
    for (let i = 0; i < anchor.length; i++) {
      const unit = anchor.charCodeAt(i);
      if (classOf[unit] === 0) classOf[unit] = classes++;
    }
  }
  const children: Map<number, number>[] = [new Map()];
  const depth: number[] = [0];
  /** The anchor a state spells (index into `anchors`), or -1. */
  const own: number[] = [-1];
  anchors.forEach((anchor, index) => {
    let state = 0;
    for (let i = 0; i < anchor.length; i++) {
      const cls = classOf[anchor.charCodeAt(i)]!;
      let next = children[state]!.get(cls);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        depth.push(depth[state]! + 1);
        own.push(-1);
        children[state]!.set(cls, next);
      }
      state = next;
    }
    own[state] = index;
  });
  const states = children.length;
  const delta = new Int32Array(states * classes);
  const fail = new Int32Array(states);
  /** Nearest state on the failure chain (itself included) that spells an anchor; -1 for none. */
  const output = new Int32Array(states).fill(-1);
  // Breadth-first: a state's failure target is shallower, so its row is complete when the state is reached.
  const queue: number[] = [];
  for (const [cls, next] of children[0]!) {
    delta[cls] = next;
    queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    output[state] = own[state] !== -1 ? state : output[fail[state]!]!;
    const failRow = fail[state]! * classes;
    const row = state * classes;
    for (let cls = 1; cls < classes; cls++) {
      const next = children[state]!.get(cls);
      if (next === undefined) {
        delta[row + cls] = delta[failRow + cls]!;
      } else {
        delta[row + cls] = next;
        fail[next] = delta[failRow + cls]!;
        queue.push(next);
      }
    }
  }

  return {
    size: [...byAnchor.values()].reduce((n, list) => n + list.length, 0),
    find(text, accept) {
      let matches: ExactMatch[] | undefined;
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const cls = classOf[text.charCodeAt(i)]!;
        state = cls === 0 ? 0 : delta[state * classes + cls]!;
        for (let hit = output[state]!; hit !== -1; hit = output[fail[hit]!]!) {
          const start = i + 1 - depth[hit]!;
          for (const pattern of byAnchor.get(anchors[own[hit]!]!)!) {
            const literal = patterns[pattern]!;
            if ((accept === undefined || accept(pattern)) && text.startsWith(literal, start)) {
              (matches ??= []).push({ start, end: start + literal.length, pattern });
              break;
            }
          }
        }
      }
      return matches === undefined ? [] : leftmostLongest(matches);
    },
  };
}

/** Keeps the leftmost, then longest, of overlapping matches. */
function leftmostLongest(matches: ExactMatch[]): ExactMatch[] {
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: ExactMatch[] = [];
  let reach = -1;
  for (const match of matches) {
    if (match.start < reach) continue;
    kept.push(match);
    reach = match.end;
  }
  return kept;
}
