import { EnvNameSchema, type StoredServer } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Registry } from '../registry/index.ts';
import { toDefinition } from '../registry/server-repository.ts';
import type { Vault } from '../vault/vault.ts';
import { serverSecretOwner } from '../vault/server-owners.ts';

export { serverSecretOwner };

/** One declared variable of a server as every read path shows it: whether it is set, never its value. */
export interface VariableState {
  name: string;
  description?: string;
  required: boolean;
  secret: boolean;
  isSet: boolean;
  hasDefault: boolean;
}

/** How `set` treats a name the server does not declare yet, and what it insists on. */
export interface SetVariableOptions {
  /**
   * `secret` (default): an undeclared name is declared as an optional secret — the common "this server needs
   * GITHUB_TOKEN" case. `plain`: declared as a non-secret, and a name declared secret is refused (a value on a
   * command line is visible to every user of the machine).
   */
  as?: 'secret' | 'plain';
}

export interface ServerVariables {
  /** Stores a value: secrets in the vault, plain values in the registry. */
  set(
    prefix: string,
    name: string,
    value: string,
    options?: SetVariableOptions,
  ): { declared: boolean; secret: boolean };
  /** Removes the person's value; true when there was one. */
  unset(prefix: string, name: string): boolean;
  /** Removes every value the person set for this server (secret and plain). */
  clear(prefix: string): number;
  /** Declared variables with their set state. */
  list(prefix: string): VariableState[];
  /** Every value the person set, decrypted, for resolving the definition (main only; never crosses to a UI). */
  values(server: Pick<StoredServer, 'id' | 'envVars'>): Record<string, string>;
}

/**
 * Per-user variable values of servers, over the registry (plain values) and the vault (secrets). Every
 * read-modify-write runs in one immediate transaction: two `var set` processes at once both keep their value
 * (the second reads the first one's declaration, never a stale definition that would prune it).
 */
export function createServerVariables(deps: { registry: Registry; vault: Vault }): ServerVariables {
  const { registry, vault } = deps;
  const { servers } = registry;

  const declare = (server: StoredServer, name: string, secret: boolean): StoredServer => {
    const def = toDefinition(server);
    return servers.update(server.prefix, {
      ...def,
      envVars: [...def.envVars, { name, required: false, secret }],
    });
  };

  return {
    set(prefix, name, value, options = {}) {
      const parsedName = EnvNameSchema.safeParse(name);
      if (!parsedName.success) {
        throw new SwitchboardError(
          'VALIDATION',
          `name: "${name}" ${parsedName.error.issues[0]?.message ?? 'is invalid'}`,
        );
      }
      const as = options.as ?? 'secret';
      // One transaction: if the vault refuses (no key store), the declaration below is rolled back too.
      return registry.write(() => {
        let server = servers.get(prefix);
        let spec = server.envVars.find((s) => s.name === name);
        if (spec?.secret && as === 'plain') {
          throw new SwitchboardError(
            'VALIDATION',
            `${name} is a secret variable of ${prefix}: set it with \`switchboard secret set ${prefix} ${name}\` ` +
              '(reads the value from stdin, so it never shows in the process list)',
          );
        }
        const declared = spec === undefined;
        if (spec === undefined) {
          server = declare(server, name, as === 'secret');
          spec = server.envVars.find((s) => s.name === name);
        }
        const secret = spec?.secret ?? true;
        if (secret) vault.set(serverSecretOwner(server.id), name, value);
        else servers.setEnvValue(prefix, name, value);
        return { declared, secret };
      });
    },
    unset(prefix, name) {
      return registry.write(() => {
        const { id } = servers.get(prefix);
        const removedSecret = vault.unset(serverSecretOwner(id), name);
        const removedPlain = servers.unsetEnvValue(prefix, name);
        return removedSecret || removedPlain;
      });
    },
    clear(prefix) {
      return registry.write(() => {
        const { id } = servers.get(prefix);
        let count = vault.clear(serverSecretOwner(id));
        for (const name of Object.keys(servers.listEnvValues(prefix))) {
          if (servers.unsetEnvValue(prefix, name)) count += 1;
        }
        return count;
      });
    },
    list(prefix) {
      const server = servers.get(prefix);
      const secretNames = new Set(vault.listNames(serverSecretOwner(server.id)).map((s) => s.name));
      const plain = servers.listEnvValues(prefix);
      return server.envVars.map((spec) => ({
        name: spec.name,
        description: spec.description,
        required: spec.required,
        secret: spec.secret,
        isSet: spec.secret ? secretNames.has(spec.name) : plain[spec.name] !== undefined,
        hasDefault: spec.default !== undefined,
      }));
    },
    values(server) {
      const owner = serverSecretOwner(server.id);
      const out: Record<string, string> = { ...servers.listEnvValuesById(server.id) };
      for (const spec of server.envVars) {
        if (spec.secret && vault.has(owner, spec.name)) {
          const value = vault.get(owner, spec.name);
          if (value !== undefined) out[spec.name] = value;
        }
      }
      return out;
    },
  };
}
