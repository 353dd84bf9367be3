/**
 * The forms a secret value takes in text that leaves the process: the value itself, JSON-escaped (once, twice,
 * and with `\uXXXX` escapes as `ensure_ascii` serializers write it), URL- and form-encoded, and base64 — whole,
 * and as the fragment that appears when the value sits inside a larger base64 text at any byte offset (a Basic
 * auth header, a data URL). Shared by the redactor (logs, errors, history) and the leak guard (tool traffic).
 */

/** Values shorter than this have no forms: matching "abc" everywhere would shred text and hide nothing. */
export const MIN_SECRET_LENGTH = 4;
// A base64 fragment shorter than this matches random base64 text far too often.
const MIN_FRAGMENT_LENGTH = 8;

/** Every distinct form of `value`, the raw value first; empty for values too short to redact. */
export function secretForms(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const json = JSON.stringify(value).slice(1, -1);
  const forms = [
    value,
    json,
    JSON.stringify(json).slice(1, -1),
    asciiEscaped(json),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    ...base64Forms(Buffer.from(value, 'utf8')),
  ];
  return [...new Set(forms.filter((form) => form.length >= MIN_SECRET_LENGTH))];
}

/** `\uXXXX` (lower-case hex, as JSON serializers write it) for every character outside printable ASCII. */
function asciiEscaped(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The base64 (and base64url) of the bytes, plus for each byte offset 0–2 the characters that depend on these
 * bytes alone: character i of a base64 text covers bits [6i, 6i+6), so with k bytes before the value the
 * characters from ceil(8k/6) up to the last one ending at or before bit 8(k+n) are the value's own.
 */
function base64Forms(bytes: Buffer): string[] {
  const forms = [bytes.toString('base64'), bytes.toString('base64url')];
  for (let k = 0; k < 3; k++) {
    const shifted = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const first = Math.ceil((8 * k) / 6);
    const last = Math.floor((8 * (k + bytes.length) - 6) / 6);
    const fragment = shifted.slice(first, last + 1);
    if (fragment.length < MIN_FRAGMENT_LENGTH) continue;
    forms.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}
