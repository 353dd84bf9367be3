import { describe, expect, it } from 'vitest';
import { Redactor, REDACTED } from '../../../main/lib/redactor.ts';
import { secretForms } from '../../../main/lib/secret-forms.ts';

/**
 * A secret leaves main in whatever encoding the text around it uses: an error message JSON-escaped into a log
 * line (once or twice), a URL query, a Basic auth header, a Python `ensure_ascii` dump. Every such form must be
 * redacted, not only the raw value (issue 12 item 6: a secret containing `"` or `\\` reached stderr, the
 * health history and the window in its JSON-escaped form).
 */
const CANARIES = ['pa"ss\\word-Zq8', 'sk-live-ünïcødé-✓-42', 'a b&c=d/e?f+g', 'plain-canary-1234'];

const encodings: [string, (v: string) => string][] = [
  ['raw', (v) => v],
  ['JSON-escaped', (v) => JSON.stringify(v).slice(1, -1)],
  ['JSON-escaped twice', (v) => JSON.stringify(JSON.stringify(v)).slice(1, -1)],
  [
    'JSON with \\u escapes (ensure_ascii)',
    (v) =>
      JSON.stringify(v)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  ],
  ['URL-encoded', (v) => encodeURIComponent(v)],
  ['form-encoded', (v) => new URLSearchParams({ q: v }).toString().slice(2)],
  ['base64', (v) => Buffer.from(v).toString('base64')],
  ['base64url', (v) => Buffer.from(v).toString('base64url')],
  ['base64 inside Basic auth (offset 1)', (v) => Buffer.from(`u:${v}`).toString('base64')],
  ['base64 inside Basic auth (offset 2)', (v) => Buffer.from(`us:${v}`).toString('base64')],
  ['base64 inside Basic auth (offset 0)', (v) => Buffer.from(`use:${v}`).toString('base64')],
];

describe('secretForms + Redactor: every encoding a value can take on its way out', () => {
  for (const canary of CANARIES) {
    for (const [name, encode] of encodings) {
      it(`${name} of ${JSON.stringify(canary)}`, () => {
        const redactor = new Redactor();
        redactor.add(canary);
        const leaked = `before ${encode(canary)} after`;
        const out = redactor.redact(leaked);
        expect(out).toContain(REDACTED);
        // No recognisable trace of the value is left, in that encoding or raw.
        expect(out).not.toContain(canary);
        if (name.startsWith('base64')) {
          const encoded = encode(canary);
          expect(out).not.toContain(encoded.slice(4, encoded.length - 4));
        } else {
          expect(out).not.toContain(encode(canary));
        }
      });
    }
  }

  it('keeps text without secrets as it is', () => {
    const redactor = new Redactor();
    redactor.add('plain-canary-1234');
    expect(redactor.redact('nothing to see: {"a":"b"}')).toBe('nothing to see: {"a":"b"}');
  });

  it('never makes forms out of very short values (they would shred every line)', () => {
    expect(secretForms('abc')).toEqual([]);
    const redactor = new Redactor();
    redactor.add('abc');
    expect(redactor.redact('abc abc')).toBe('abc abc');
  });

  it('forms are distinct and the raw value comes first', () => {
    const forms = secretForms('pa"ss\\word-Zq8');
    expect(forms[0]).toBe('pa"ss\\word-Zq8');
    expect(new Set(forms).size).toBe(forms.length);
  });
});
