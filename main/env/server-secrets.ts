import { EnvNameSchema, type StoredServer } from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { ServerRepository } from '../registry/server-repository.ts';
import { toDefinition } from '../registry/server-repository.ts';
import type { Vault } from '../vault/vault.ts';

/** Vault owner of a server's secret variables. Keyed by the row id, which survives renames and is never reused. */
export function serverSecretOwner(serverId: number): string {
  return `server:${serverId}`;
}

/** One declared variable of a server as every read path shows it: whether it is set, never its value. */
export interface VariableState {
  name: string;
  description?: string;
  required: boolean;
  secret: boolean;
  isSet: boolean;
  hasDefault: boolean;
}

export interface ServerVariables {
  /** Stores a value: secrets in the vault, plain values in the registry. Declares an unknown name as a secret. */
  set(prefix: string, name: string, value: string): { declared: boolean; secret: boolean };
  /** Removes the person's value; true when there was one. */
  unset(prefix: string, name: string): boolean;
  /** Removes every value the person set for this server (secret and plain). */
  clear(prefix: string): number;
  /** Declared variables with their set state. */
  list(prefix: string): VariableState[];
  /** Every value the person set, decrypted, for resolving the definition (main only; never crosses to a UI). */
  values(prefix: string): Record<string, string>;
  /** Deletes the server and every value stored for it. */
  removeServer(prefix: string): void;
}

/** Per-user variable values of servers, over the registry (plain values) and the vault (secrets). */
export function createServerVariables(deps: {
  servers: ServerRepository;
  vault: Vault;
  /** Runs `fn` in one database transaction (the registry and vault share one SQLite file). */
  transaction: <T>(fn: () => T) => T;
}): ServerVariables {
  const { servers, vault, transaction } = deps;
  const ownerOf = (prefix: string) => serverSecretOwner(servers.idOf(prefix));

  const declare = (server: StoredServer, name: string): StoredServer => {
    const def = toDefinition(server);
    return servers.update(server.prefix, {
      ...def,
      envVars: [...def.envVars, { name, required: false, secret: true }],
    });
  };

  return {
    set(prefix, name, value) {
      const parsedName = EnvNameSchema.safeParse(name);
      if (!parsedName.success) {
        throw new SwitchboardError(
          'VALIDATION',
          `name: "${name}" ${parsedName.error.issues[0]?.message ?? 'is invalid'}`,
        );
      }
      // One transaction: if the vault refuses (no key store), the declaration below is rolled back too.
      return transaction(() => {
        let server = servers.get(prefix);
        let spec = server.envVars.find((s) => s.name === name);
        const declared = spec === undefined;
        if (spec === undefined) {
          // Setting a secret the definition does not mention is the common "this server needs GITHUB_TOKEN"
          // case: declare it (optional, secret) rather than make the person edit the definition first.
          server = declare(server, name);
          spec = server.envVars.find((s) => s.name === name);
        }
        if (spec?.secret) vault.set(ownerOf(prefix), name, value);
        else servers.setEnvValue(prefix, name, value);
        return { declared, secret: spec?.secret ?? true };
      });
    },
    unset(prefix, name) {
      const removedSecret = vault.unset(ownerOf(prefix), name);
      const removedPlain = servers.unsetEnvValue(prefix, name);
      return removedSecret || removedPlain;
    },
    clear(prefix) {
      let count = vault.clear(ownerOf(prefix));
      for (const name of Object.keys(servers.listEnvValues(prefix))) {
        if (servers.unsetEnvValue(prefix, name)) count += 1;
      }
      return count;
    },
    list(prefix) {
      const server = servers.get(prefix);
      const secretNames = new Set(vault.listNames(ownerOf(prefix)).map((s) => s.name));
      const plain = servers.listEnvValues(prefix);
      return server.envVars.map((spec) => ({
        name: spec.name,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        required: spec.required,
        secret: spec.secret,
        isSet: spec.secret ? secretNames.has(spec.name) : plain[spec.name] !== undefined,
        hasDefault: spec.default !== undefined,
      }));
    },
    values(prefix) {
      const server = servers.get(prefix);
      const owner = ownerOf(prefix);
      const out: Record<string, string> = { ...servers.listEnvValues(prefix) };
      for (const spec of server.envVars) {
        if (spec.secret && vault.has(owner, spec.name)) {
          const value = vault.get(owner, spec.name);
          if (value !== undefined) out[spec.name] = value;
        }
      }
      return out;
    },
    removeServer(prefix) {
      const owner = ownerOf(prefix);
      transaction(() => {
        vault.clear(owner);
        servers.remove(prefix);
      });
    },
  };
}
