import { SwitchboardError } from '../lib/errors.ts';
import { buildImportPlan } from './import-plan.ts';
import { isObject } from './json-values.ts';
import { sanitizePrefix } from './prefix.ts';
import { readStandardEntry } from './standard-entry.ts';

/** What a pasted snippet turns into: definitions for the add form, never a secret value. */
export interface ParsedSnippet {
  definitions: Record<string, unknown>[];
  /** Secret values found in the snippet are NOT returned; their variables are declared and named here. */
  secretNames: string[];
  skipped: string[];
  /** Servers whose name clashed with an existing prefix, and the prefix they were given instead. */
  renamed: { from: string; to: string }[];
}

/**
 * Reads a pasted Claude Desktop / Cursor / VS Code style snippet: `{"mcpServers": {…}}`, `{"servers": {…}}`,
 * a bare map of servers, a single `"name": {…}` property, or one server object.
 */
export function parseServerSnippet(text: string, existingPrefixes: readonly string[] = []): ParsedSnippet {
  const json = parseLenient(text);
  if (!isObject(json)) throw snippetError('must be a JSON object of servers');
  const map = isObject(json.mcpServers)
    ? json.mcpServers
    : isObject(json.servers)
      ? json.servers
      : looksLikeServer(json)
        ? { server: json }
        : json;
  const imported = Object.entries(map).map(([name, value]) =>
    isObject(value)
      ? readStandardEntry(name, value, ['url', 'serverUrl', 'httpUrl'])
      : { name, transport: 'unsupported' as const, reason: 'the entry is not an object' },
  );
  const plan = buildImportPlan(imported, { clientName: 'the pasted snippet', existingPrefixes });
  return {
    definitions: plan.add.map((a) => ({ ...a.definition }) as Record<string, unknown>),
    secretNames: [...new Set(plan.add.flatMap((a) => a.secretNames))],
    skipped: plan.skipped.map((s) => `${s.name}: ${s.reason}`),
    // Only a clash renames: turning "My Server" into "my-server" is what every import does.
    renamed: plan.add.flatMap((a) => {
      const from = a.fromNames[0];
      const to = String(a.definition.prefix);
      return from !== undefined && sanitizePrefix(from) !== to ? [{ from, to }] : [];
    }),
  };
}

function looksLikeServer(value: Record<string, unknown>): boolean {
  return typeof value.command === 'string' || typeof value.url === 'string';
}

function parseLenient(text: string): unknown {
  const trimmed = text.trim().replace(/,\s*$/, '');
  for (const candidate of [trimmed, `{${trimmed}}`]) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next form
    }
  }
  throw snippetError('is not valid JSON');
}

function snippetError(problem: string): SwitchboardError {
  return new SwitchboardError('VALIDATION', `text: the snippet ${problem}`, {
    details: { issues: [{ path: ['text'], message: problem }] },
  });
}
