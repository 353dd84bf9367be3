import { Redactor } from './lib/redactor.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { openRegistry, type Registry } from './registry/index.ts';
import { createLazyVault, type Vault } from './vault/vault.ts';
import type { KeyProvider } from './vault/key-provider.ts';
import { selectKeyProviders } from './vault/providers.ts';
import { createServerVariables, type ServerVariables } from './env/server-secrets.ts';

/**
 * The composition root shared by the CLI and the desktop app: opens the registry and the vault of one
 * data directory and builds the services over them. Long-running parts (gateway, pool, health) are
 * started separately by `startHubServices`, so one-shot CLI commands stay fast and spawn nothing.
 */
export interface Hub {
  dataDir: string;
  registry: Registry;
  redactor: Redactor;
  log: Logger;
  clock: Clock;
  vault: Vault;
  variables: ServerVariables;
  /** Closes the database. Safe to call twice. */
  close(): void;
}

export interface OpenHubOptions {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Key stores for the vault; default: the OS keyring (or an explicitly requested passphrase). */
  keyProviders?: KeyProvider[];
  passphraseFile?: string;
  log?: Logger;
  redactor?: Redactor;
  clock?: Clock;
}

/** Opens the hub of a data directory. Never touches a key store until a secret is read or written. */
export function openHub(options: OpenHubOptions): Hub {
  const redactor = options.redactor ?? new Redactor();
  const clock = options.clock ?? systemClock;
  const log =
    options.log ??
    createLogger({
      redactor,
      level: options.env.SWITCHBOARD_LOG_LEVEL === 'debug' ? 'debug' : 'info',
      write: (line) => process.stderr.write(line + '\n'),
    });
  const registry = openRegistry(options.dataDir, { log, clock });
  try {
    const providers =
      options.keyProviders ??
      selectKeyProviders({
        env: options.env,
        passphraseFile: options.passphraseFile,
        platform: process.platform,
        redactor,
      });
    const vault = createLazyVault({ db: registry.db.connection, providers, redactor, clock, log });
    const variables = createServerVariables({
      servers: registry.servers,
      vault,
      transaction: (fn) => registry.db.connection.transaction(fn)(),
    });
    return {
      dataDir: options.dataDir,
      registry,
      redactor,
      log,
      clock,
      vault,
      variables,
      close: () => registry.close(),
    };
  } catch (error) {
    registry.close();
    throw error;
  }
}
