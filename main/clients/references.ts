/**
 * Client files refer to values held elsewhere: `${env:NAME}` (Cursor, VS Code), `${NAME}` and `${NAME:-default}`
 * (Claude Code, Codex), `${input:id}` (VS Code prompts), `$NAME`/`%NAME%` (Gemini CLI). Switchboard's own syntax
 * is `${NAME}` with NAME a declared variable, so each reference becomes one, and its value must then be set in
 * Switchboard (the client's value is not in the file).
 */

export interface ValueReference {
  /** The Switchboard variable name. */
  name: string;
  /** What the client file said, for notes ("${input:api-key}"). */
  original: string;
  /** `${NAME:-default}` carries a default. */
  default?: string;
}

export interface ConvertedValue {
  value: string;
  references: ValueReference[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Rewrites client references into `${NAME}` form and lists them. */
export function convertReferences(value: string): ConvertedValue {
  const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(value) ?? /^%([A-Za-z_][A-Za-z0-9_]*)%$/.exec(value);
  if (whole?.[1] !== undefined) {
    return { value: `\${${whole[1]}}`, references: [{ name: whole[1], original: value }] };
  }
  const references: ValueReference[] = [];
  const converted = value.replace(/\$\{([^}]*)\}/g, (original, inner: string) => {
    const reference = parseReference(inner, original);
    references.push(reference);
    return `\${${reference.name}}`;
  });
  return { value: converted, references };
}

/** A variable name from any identifier: `api-key` becomes `API_KEY`. */
export function toEnvName(text: string): string {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  if (name === '') return 'VALUE';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function parseReference(inner: string, original: string): ValueReference {
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
  if (env?.[1] !== undefined) return { name: env[1], original };
  const withDefault = /^([A-Za-z_][A-Za-z0-9_]*):-(.*)$/.exec(inner);
  if (withDefault?.[1] !== undefined)
    return { name: withDefault[1], original, default: withDefault[2] ?? '' };
  if (ENV_NAME.test(inner)) return { name: inner, original };
  const input = /^input:(.+)$/.exec(inner);
  return { name: toEnvName(input?.[1] ?? inner), original };
}
