/**
 * Masks what a line of a person's client file may hold of theirs before the line is shown in the window (the
 * connect preview shows changed lines only, but in a compact file one line can hold a whole server):
 *
 * - the value of any key whose name says it is a credential (`"GITHUB_TOKEN": "…"`, `api_key = "…"`);
 * - any bearer credential (`Bearer …`) and any Switchboard client token (`sbt_…`);
 * - any long run of letters and digits (24 or more, both kinds present): keys rarely look like anything else,
 *   and paths, URLs and names are split by `/ . : -` into shorter runs.
 *
 * Known secrets are the caller's `redactKnown`'s job (it runs first); this catches the person's own. Placeholders
 * the caller put in (`keep`) are shown as they are: the line is masked piece by piece around them.
 */

const MASK = '••••';

const CREDENTIAL_KEY =
  /(token|secret|password|passwd|api[-_]?key|apikey|credential|cookie|auth|private[-_]?key)/i;

/** `"key": "value"` (JSON) and `key = "value"` (TOML), the key quoted or bare. */
const KEY_VALUE = /("?)([A-Za-z0-9_.-]+)\1(\s*[:=]\s*)"((?:[^"\\]|\\.)*)"/g;

const BEARER = /\b(Bearer\s+)[^\s"'\\,}]+/gi;
const CLIENT_TOKEN = /\bsbt_[A-Za-z0-9_-]+/g;
const LONG_RUN = /[A-Za-z0-9+_=]{24,}/g;

export function maskFileLine(
  line: string,
  keep: readonly string[] = [],
  redactKnown: (text: string) => string = (text) => text,
): string {
  const placeholder = keep.find((text) => text !== '' && line.includes(text));
  if (placeholder !== undefined) {
    return line
      .split(placeholder)
      .map((piece) => maskFileLine(piece, keep, redactKnown))
      .join(placeholder);
  }
  return redactKnown(line)
    .replace(KEY_VALUE, (whole, quote: string, key: string, separator: string, value: string) =>
      CREDENTIAL_KEY.test(key) && value !== '' ? `${quote}${key}${quote}${separator}"${MASK}"` : whole,
    )
    .replace(BEARER, `$1${MASK}`)
    .replace(CLIENT_TOKEN, `sbt_${MASK}`)
    .replace(LONG_RUN, (run) => (/[A-Za-z]/.test(run) && /[0-9]/.test(run) ? MASK : run));
}
