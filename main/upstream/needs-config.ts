import type { ServerDefinition } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';

/** The NEEDS_CONFIG error for a server with missing variables, saying exactly how to fill each one. */
export function needsConfigError(def: ServerDefinition, missing: readonly string[]): SwitchboardError {
  const secret = new Set(def.envVars.filter((s) => s.secret).map((s) => s.name));
  const secrets = missing.filter((n) => secret.has(n));
  const how =
    secrets.length > 0
      ? `run ${secrets.map((n) => `\`switchboard secret set ${def.prefix} ${n}\``).join(' and ')} or fill ${missing.length > 1 ? 'them' : 'it'} in the Switchboard window`
      : `fill ${missing.length > 1 ? 'them' : 'it'} in the Switchboard window`;
  return new SwitchboardError('NEEDS_CONFIG', `${def.prefix} needs ${missing.join(', ')}: ${how}`, {
    details: { prefix: def.prefix, missing: [...missing] },
  });
}
