import type { ServerDefinition } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';

/**
 * The NEEDS_CONFIG error for a server with missing variables, saying exactly how to fill each one.
 * `switchboard secret set` stores secret and plain variables alike (see main/env/server-secrets.ts).
 */
export function needsConfigError(def: ServerDefinition, missing: readonly string[]): SwitchboardError {
  const commands = missing.map((name) => `\`switchboard secret set ${def.prefix} ${name}\``).join(' and ');
  const it = missing.length > 1 ? 'them' : 'it';
  return new SwitchboardError(
    'NEEDS_CONFIG',
    `${def.prefix} needs ${missing.join(', ')}: run ${commands} or fill ${it} in the Switchboard window`,
    {
      details: { prefix: def.prefix, missing: [...missing] },
    },
  );
}
