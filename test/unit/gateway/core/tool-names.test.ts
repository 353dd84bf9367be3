import { describe, expect, it } from 'vitest';
import {
  buildNameIndex,
  exposedName,
  isExposable,
  MAX_EXPOSED_NAME_LENGTH,
} from '../../../../main/gateway/core/tool-names.ts';

const VALID = /^[A-Za-z0-9_.-]+$/;

describe('exposedName', () => {
  it('joins prefix and name with a double underscore when it fits', () => {
    expect(exposedName('github', 'create_issue')).toBe('github__create_issue');
    expect(exposedName('fs', 'read.file-v2')).toBe('fs__read.file-v2');
  });

  it('keeps exactly 64 characters unchanged and shortens 65', () => {
    const prefix = 'p';
    const fits = 'x'.repeat(64 - 3);
    expect(exposedName(prefix, fits)).toBe(`p__${fits}`);
    const long = exposedName(prefix, `${fits}y`);
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^p__x+_[0-9a-f]{8}$/);
  });

  it('sanitizes invalid characters and adds a hash of the original', () => {
    const name = exposedName('srv', 'search repos/with spaces');
    expect(name).toMatch(/^srv__search_repos_with_spaces_[0-9a-f]{8}$/);
    expect(VALID.test(name)).toBe(true);
  });

  it('gives names that sanitize alike different exposed names', () => {
    expect(exposedName('s', 'a b')).not.toBe(exposedName('s', 'a/b'));
    expect(exposedName('s', 'a b')).not.toBe(exposedName('s', 'a_b'));
  });

  it('is deterministic', () => {
    expect(exposedName('s', 'ünïcödé tool')).toBe(exposedName('s', 'ünïcödé tool'));
  });

  it('depends on the prefix as well as the name', () => {
    expect(exposedName('a', 'x y').slice(-8)).not.toBe(exposedName('b', 'x y').slice(-8));
  });

  it('always produces valid names within the limit, for nasty inputs', () => {
    const prefix = 'p'.repeat(24);
    const nasty = [
      '',
      ' ',
      '__',
      'a'.repeat(500),
      '💥'.repeat(40),
      'tool\nname',
      '../../etc/passwd',
      'x'.repeat(38),
      'x'.repeat(39),
    ];
    for (const name of nasty) {
      const exposed = exposedName(prefix, name);
      expect(exposed.length).toBeLessThanOrEqual(MAX_EXPOSED_NAME_LENGTH);
      expect(VALID.test(exposed)).toBe(true);
      expect(exposed.startsWith(`${prefix}__`)).toBe(true);
    }
  });
});

describe('isExposable', () => {
  it('accepts only valid characters within the limit', () => {
    expect(isExposable('a.b-c_d')).toBe(true);
    expect(isExposable('')).toBe(false);
    expect(isExposable('a b')).toBe(false);
    expect(isExposable('x'.repeat(65))).toBe(false);
  });
});

describe('buildNameIndex', () => {
  it('maps both ways exactly', () => {
    const pairs = [
      { prefix: 'gh', name: 'create_issue' },
      { prefix: 'gh', name: 'weird name!' },
      { prefix: 'fs', name: 'x'.repeat(100) },
    ];
    const index = buildNameIndex(pairs);
    for (const pair of pairs) {
      const exposed = index.exposedOf(pair.prefix, pair.name);
      expect(exposed).toBeDefined();
      expect(index.targetOf(exposed as string)).toEqual(pair);
    }
    expect(index.targetOf('gh__nope')).toBeUndefined();
    expect(index.exposedOf('gh', 'nope')).toBeUndefined();
  });

  it('does not let a tool be reached under a sanitized look-alike', () => {
    const index = buildNameIndex([{ prefix: 'gh', name: 'a b' }]);
    expect(index.targetOf('gh__a_b')).toBeUndefined();
  });

  it('separates prefixes that contain the separator-adjacent characters', () => {
    // "a" + "__b_c" and "a__b" + "c" would collide as plain strings; prefixes cannot contain "__", but names can.
    const index = buildNameIndex([
      { prefix: 'a', name: '_b__c' },
      { prefix: 'a_b', name: 'c' },
    ]);
    const one = index.exposedOf('a', '_b__c');
    const two = index.exposedOf('a_b', 'c');
    expect(one).not.toBe(two);
    expect(index.targetOf(one as string)).toEqual({ prefix: 'a', name: '_b__c' });
    expect(index.targetOf(two as string)).toEqual({ prefix: 'a_b', name: 'c' });
  });

  it("resolves a literal name that equals another tool's hashed form, independent of input order", () => {
    const hashed = exposedName('s', 'a b'); // s__a_b_<hash>
    const literal = hashed.slice('s__'.length);
    const pairs = [
      { prefix: 's', name: 'a b' },
      { prefix: 's', name: literal },
    ];
    const forward = buildNameIndex(pairs);
    const backward = buildNameIndex([...pairs].reverse());
    for (const index of [forward, backward]) {
      expect(index.exposedOf('s', literal)).toBe(hashed);
      const other = index.exposedOf('s', 'a b') as string;
      expect(other).not.toBe(hashed);
      expect(other.length).toBeLessThanOrEqual(64);
      expect(index.targetOf(other)).toEqual({ prefix: 's', name: 'a b' });
    }
  });

  it('is stable when unrelated tools come and go', () => {
    const before = buildNameIndex([{ prefix: 's', name: 'long '.repeat(20) }]);
    const after = buildNameIndex([
      { prefix: 'a', name: 'x' },
      { prefix: 's', name: 'long '.repeat(20) },
      { prefix: 's', name: 'other' },
    ]);
    expect(after.exposedOf('s', 'long '.repeat(20))).toBe(before.exposedOf('s', 'long '.repeat(20)));
  });

  it('handles many tools with unique, valid names', () => {
    const pairs = Array.from({ length: 2000 }, (_, i) => ({
      prefix: `p${i % 7}`,
      name: `tool ${i} ${'z'.repeat(i % 90)}`,
    }));
    const index = buildNameIndex(pairs);
    const seen = new Set<string>();
    for (const pair of pairs) {
      const exposed = index.exposedOf(pair.prefix, pair.name) as string;
      expect(VALID.test(exposed)).toBe(true);
      expect(exposed.length).toBeLessThanOrEqual(64);
      expect(seen.has(exposed)).toBe(false);
      seen.add(exposed);
    }
  });
});
