import type { VariableState } from '../env/server-secrets.ts';
import { table } from './output.ts';

/** The variable table `var list` and `secret list` print: names, kind and state, never values. */
export function renderVariables(prefix: string, entries: readonly VariableState[]): string {
  return entries.length === 0
    ? `${prefix} declares no variables`
    : table([
        ['NAME', 'KIND', 'STATE', 'REQUIRED'],
        ...entries.map((e) => [
          e.name,
          e.secret ? 'secret' : 'plain',
          e.isSet ? 'set' : e.hasDefault ? 'default' : 'not set',
          e.required ? 'yes' : 'no',
        ]),
      ]);
}
