import { createHash } from 'node:crypto';

/**
 * What a pin is a pin of: a tool's WHOLE wire definition as the server listed it (name, title, description,
 * input and output schemas, annotations, icons, `_meta` — every field, known or not), because that is what the
 * hub re-exposes to clients and what a model reads. Two listings pin alike exactly when they serialize alike
 * after object keys are sorted (key order carries no meaning in JSON; array order does).
 */

/** JSON with every object's keys sorted, no whitespace; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** The same canonical form, indented two spaces: what the window and the CLI diff word by word. */
export function prettyDefinition(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

/** `sha256:<hex>` of the canonical JSON of a tool definition. */
export function toolPinHash(tool: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(tool), 'utf8').digest('hex')}`;
}

// Definitions come from JSON.parse (the catalog), so plain objects, arrays and primitives are all there is.
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== 'function') out[key] = sortKeys(member);
  }
  return out;
}
