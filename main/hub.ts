import os from 'node:os';
import type { BridgeLaunchCommand } from './bridge/launch-command.ts';
import { cliBridgeCommand } from './bridge/launch-command.ts';
import { createClientService, type ClientFs } from './clients/client-service.ts';
import { createServerVariables, type ServerVariables } from './env/server-secrets.ts';
import type { Runtime, RuntimeOptions } from './hub-runtime.ts';
import type { Clock } from './lib/clock.ts';
import { systemClock } from './lib/clock.ts';
import type { Logger } from './lib/logger.ts';
import { createLogger } from './lib/logger.ts';
import { prepareDataDir } from './lib/data-dir.ts';
import { Redactor } from './lib/redactor.ts';
import { createCliOpener, type OpenBrowser } from './oauth/browser-opener.ts';
import type { OAuthManager } from './oauth/oauth-manager.ts';
import { openRegistry, type Registry } from './registry/index.ts';
import type { SettingKey, Settings } from './registry/settings-repository.ts';
import { createUseCases, type UseCases } from './usecases/index.ts';
import type { UseCaseContext } from './usecases/context.ts';
import type { KeyProvider } from './vault/key-provider.ts';
import { selectKeyProviders } from './vault/providers.ts';
import { createLazyVault, type Vault } from './vault/vault.ts';

/**
 * THE composition root, shared by the desktop app, `switchboard serve` and every CLI command: it builds every
 * repository and service of one data directory exactly once. Opening a hub spawns nothing and touches no key
 * store; `start()` adds the long-running part (pool, gateway, health, OAuth) in this process.
 */
export interface Hub {
  dataDir: string;
  registry: Registry;
  vault: Vault;
  variables: ServerVariables;
  redactor: Redactor;
  log: Logger;
  clock: Clock;
  /** Every use-case; shells only translate to and from these. */
  useCases: UseCases;
  /** The OAuth manager use-cases work with (the runtime's, or a one-shot command's); see UseCaseContext. */
  oauth(): Promise<OAuthManager>;
  /** Starts the long-running part in this process (once); see main/hub-runtime.ts. */
  start(options?: RuntimeOptions): Promise<Runtime>;
  /** The running part, when this process started it. */
  runtime(): Runtime | undefined;
  /** Stops the running part (if any), then closes the database. Safe to call twice. */
  close(): Promise<void>;
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
  /** How sign-in pages are opened: the system browser (desktop) or print-and-try (CLI); default print only. */
  openBrowser?: OpenBrowser;
  /** Where AI clients' config files are looked for; default the real platform, home folder and environment. */
  clients?: { platform?: NodeJS.Platform; home?: string; env?: NodeJS.ProcessEnv; fs?: ClientFs };
  /** How stdio-only clients start the bridge for this data directory; default this runtime + the CLI script. */
  bridgeCommand?: () => BridgeLaunchCommand;
  /** Applies what only a shell can (the desktop's login item) after settings changed. */
  onSettingsChange?: (changed: readonly SettingKey[], after: Settings) => void;
}

/** Opens the hub of a data directory. */
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
  prepareDataDir(options.dataDir);
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
    const variables = createServerVariables({ registry, vault });
    // Default: print the sign-in address for the person (never into the log) and try the system opener.
    const openBrowser: OpenBrowser =
      options.openBrowser ??
      createCliOpener({
        print: (text) => process.stderr.write(text + '\n'),
        tryOpen: options.env.SWITCHBOARD_NO_BROWSER !== '1',
      });

    let runtime: Runtime | undefined;
    let starting: Promise<Runtime> | undefined;
    let localOAuth: Promise<OAuthManager> | undefined;
    const ctx: UseCaseContext = {
      registry,
      vault,
      variables,
      redactor,
      clock,
      log,
      runtime: () => runtime,
      oauth: () => {
        if (runtime) return Promise.resolve(runtime.oauth);
        // A one-shot command's manager: its sign-in callback is served on the configured gateway port.
        localOAuth ??= import('./oauth/oauth-manager.ts').then(async ({ createOAuthManager }) =>
          createOAuthManager({
            vault,
            servers: registry.servers,
            clock,
            log,
            redactor,
            openBrowser,
            legacy: (await import('./oauth/legacy-owners.ts')).createLegacyOwners({
              db: registry.db.connection,
              write: (fn) => registry.write(fn),
              vault,
              log,
            }),
            redirectUri: () => `http://127.0.0.1:${registry.settings.get('gateway.port')}/oauth/callback`,
          }),
        );
        return localOAuth;
      },
    };
    const clientEnv = options.clients?.env ?? options.env;
    const clientService = createClientService({
      servers: registry.servers,
      transaction: (fn) => registry.write(fn),
      tokens: registry.tokens,
      vault,
      variables,
      settings: registry.settings,
      clock,
      redact: (text) => redactor.redact(text),
      redactKnown: (text) => redactor.redactKnown(text),
      platform: options.clients?.platform ?? process.platform,
      homedir: options.clients?.home ?? os.homedir(),
      env: clientEnv,
      fs: options.clients?.fs,
      bridgeCommand: options.bridgeCommand ?? (() => cliBridgeCommand(options.dataDir)),
    });
    const useCases = createUseCases(ctx, {
      dataDir: options.dataDir,
      clients: clientService,
      onSettingsChange: options.onSettingsChange,
    });

    let closed = false;
    const hub: Hub = {
      dataDir: options.dataDir,
      registry,
      vault,
      variables,
      redactor,
      log,
      clock,
      useCases,
      oauth: () => ctx.oauth(),
      runtime: () => runtime,
      start(runtimeOptions = {}) {
        starting ??= import('./hub-runtime.ts')
          .then(({ startRuntime }) => startRuntime(hub, { openBrowser, ...runtimeOptions }))
          .then((started) => {
            runtime = started;
            return started;
          })
          .catch((error: unknown) => {
            starting = undefined;
            throw error;
          });
        return starting;
      },
      async close() {
        if (closed) return;
        closed = true;
        const running = runtime ?? (await starting?.catch(() => undefined));
        runtime = undefined;
        await running?.close();
        (await localOAuth?.catch(() => undefined))?.close();
        registry.close();
      },
    };
    return hub;
  } catch (error) {
    registry.close();
    throw error;
  }
}
