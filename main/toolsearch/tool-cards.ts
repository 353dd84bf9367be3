import type { Tool } from '@modelcontextprotocol/client';

/**
 * How search mode shows a tool to a model: a one-line card (exposed name, what it does, its parameters) from the
 * search tool, and the full definition from the describe tool. Cards are plain text, one per line: the cheapest
 * form a model reads reliably.
 */

const MAX_SUMMARY = 160;
const MAX_PARAMS = 12;

/** The first sentence of a description, on one line and at most ~160 characters. */
export function oneLine(description: string | undefined): string {
  const flat = (description ?? '').replace(/\s+/g, ' ').trim();
  if (flat === '') return '';
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return sentence.length <= MAX_SUMMARY ? sentence : `${sentence.slice(0, MAX_SUMMARY - 1).trimEnd()}…`;
}

/** A JSON schema's type, briefly: `string`, `number[]`, `"a"|"b"`, `object`. */
export function typeOf(schema: unknown): string {
  if (schema === null || typeof schema !== 'object') return 'any';
  const s = schema as { type?: unknown; enum?: unknown; items?: unknown; anyOf?: unknown; oneOf?: unknown };
  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.length <= 4)
    return s.enum.map((v) => JSON.stringify(v)).join('|');
  if (s.type === 'array') return `${typeOf(s.items)}[]`;
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.filter((t) => t !== 'null').join('|') || 'any';
  const union = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (union) {
    const types = [...new Set(union.map(typeOf))].filter((t) => t !== 'null');
    return types.slice(0, 3).join('|') || 'any';
  }
  return 'any';
}

/** The top-level parameters of an input schema as `name: type`, optional ones marked `name?`. */
export function parameterList(inputSchema: unknown): string {
  if (inputSchema === null || typeof inputSchema !== 'object') return '';
  const { properties, required } = inputSchema as { properties?: unknown; required?: unknown };
  if (properties === null || typeof properties !== 'object') return '';
  const needed = new Set(Array.isArray(required) ? required.filter((r) => typeof r === 'string') : []);
  const entries = Object.entries(properties as Record<string, unknown>);
  // Required ones first: they are what a call cannot do without.
  entries.sort(([a], [b]) => Number(needed.has(b)) - Number(needed.has(a)));
  const shown = entries
    .slice(0, MAX_PARAMS)
    .map(([name, schema]) => `${name}${needed.has(name) ? '' : '?'}: ${typeOf(schema)}`);
  if (entries.length > MAX_PARAMS) shown.push(`… ${entries.length - MAX_PARAMS} more`);
  return shown.join(', ');
}

/** One tool as a search result line: `name — what it does (params)`. */
export function toolCard(exposed: string, tool: Pick<Tool, 'description' | 'inputSchema' | 'title'>): string {
  const summary = oneLine(tool.description) || tool.title || 'No description.';
  return `${exposed} — ${summary} (${parameterList(tool.inputSchema)})`;
}

/** The full definition of a tool under its exposed name, as the describe tool returns it. */
export function fullDefinition(exposed: string, tool: Tool): Record<string, unknown> {
  const { name: _upstreamName, ...rest } = tool;
  return { name: exposed, ...rest };
}
