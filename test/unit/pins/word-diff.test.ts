import { describe, expect, it } from 'vitest';
import { diffTokens, wordDiff } from '../../../main/pins/word-diff.ts';

describe('wordDiff', () => {
  it('shows a changed word as that word, with the rest unchanged', () => {
    expect(wordDiff('"description": "Fetches a page"', '"description": "Fetches a secret page"')).toEqual([
      { op: 'same', text: '"description": "Fetches a ' },
      { op: 'added', text: 'secret ' },
      { op: 'same', text: 'page"' },
    ]);
  });

  it('shows removals and replacements', () => {
    expect(wordDiff('read the file now', 'read the key')).toEqual([
      { op: 'same', text: 'read the ' },
      { op: 'removed', text: 'file now' },
      { op: 'added', text: 'key' },
    ]);
  });

  it('reassembles both texts exactly', () => {
    const before = '{\n  "a": "one two three",\n  "b": [1, 2]\n}';
    const after = '{\n  "a": "one 2 three four",\n  "c": true,\n  "b": [1]\n}';
    const parts = wordDiff(before, after);
    const side = (keep: string) =>
      parts
        .filter((p) => p.op === 'same' || p.op === keep)
        .map((p) => p.text)
        .join('');
    expect(side('removed')).toBe(before);
    expect(side('added')).toBe(after);
  });

  it('equal texts are one unchanged part; new text is all added', () => {
    expect(wordDiff('same text', 'same text')).toEqual([{ op: 'same', text: 'same text' }]);
    expect(wordDiff('', 'new')).toEqual([{ op: 'added', text: 'new' }]);
  });

  it('keeps JSON punctuation out of words', () => {
    expect(diffTokens('"a_b": [1,2]')).toEqual(['"', 'a_b', '"', ':', ' ', '[', '1', ',', '2', ']']);
  });
});
