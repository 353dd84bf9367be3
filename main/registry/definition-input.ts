import type { DefinitionIssue, ServerDefinition } from '../../preload/contract/server-definition.ts';
import {
  definitionIssues,
  formatIssuePath,
  ServerDefinitionSchema,
} from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { isKnownCredential } from '../lib/secret-detection.ts';

/**
 * What a definition given by a person or a file (add, update, import) must pass before it is stored: the
 * contract's schema, then no literal credential. Rows already stored are read with the schema alone, so a
 * rule added here never makes an old row unreadable.
 */

/** Parses a definition a person or a file gives (add, update): the schema, then no literal credential. */
export function parseDefinition(input: unknown): ServerDefinition {
  const parsed = ServerDefinitionSchema.safeParse(input);
  if (!parsed.success) throw invalid('server definition', definitionIssues(parsed.error));
  const literal = literalCredentials(parsed.data);
  if (literal.length > 0) throw invalid('server definition', literal);
  return parsed.data;
}

/**
 * Values that are credentials beyond doubt (a GitHub token, a URL with a password) written straight into a
 * definition: they would be stored in plain text, exported, and — in args — shown to every local user by `ps`.
 * Only input is checked: a row stored before this rule still reads.
 */
function literalCredentials(def: ServerDefinition): DefinitionIssue[] {
  const fields =
    def.transport === 'stdio'
      ? [
          ...Object.entries(def.env).map(([name, value]) => ({ path: ['env', name], value, name })),
          ...def.args.map((value, i) => ({ path: ['args', i], value, name: `ARG_${i + 1}` })),
        ]
      : Object.entries(def.headers).map(([name, value]) => ({
          path: ['headers', name],
          value,
          name: name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
        }));
  return fields
    .filter((f) => !f.value.includes('${') && isKnownCredential(f.value))
    .map((f) => ({
      path: f.path,
      message:
        `looks like a credential: declare a secret variable (e.g. ${f.name}), use \${${f.name}} here instead of ` +
        `the value, and set it with \`switchboard secret set ${def.prefix} ${f.name}\` (or in the window)`,
    }));
}

/** VALIDATION naming each field, with `details.issues` for forms. */
export function invalid(what: string, issues: DefinitionIssue[]): SwitchboardError {
  const lines = issues.map((i) => `  ${formatIssuePath(i.path)}: ${i.message}`);
  return new SwitchboardError('VALIDATION', `${what} is invalid:\n${lines.join('\n')}`, {
    details: { issues },
  });
}
