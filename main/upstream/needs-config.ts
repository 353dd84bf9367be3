import type { ServerDefinition } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';

/**
 * The NEEDS_CONFIG error for a server with missing variables, saying exactly how to fill each one.
 * Secrets are set with `secret set` (value from stdin, never argv); plain values with `var set`.
 */
export function needsConfigError(def: ServerDefinition, missing: readonly string[]): SwitchboardError {
  const isPlain = (name: string) => def.envVars.some((spec) => spec.name === name && !spec.secret);
  const commands = missing
    .map((name) =>
      isPlain(name)
        ? `\`switchboard var set ${def.prefix} ${name} <value>\``
        : `\`switchboard secret set ${def.prefix} ${name}\``,
    )
    .join(' and ');
  const it = missing.length > 1 ? 'them' : 'it';
  return new SwitchboardError(
    'NEEDS_CONFIG',
    `${def.prefix} needs ${missing.join(', ')}: run ${commands} or fill ${it} in the Switchboard window`,
    {
      details: { prefix: def.prefix, missing: [...missing] },
    },
  );
}
