import type { AiClient } from '../../preload/contract/models.ts';
import type { ClientAdapter, ConfigPathContext } from '../clients/client-adapter.ts';
import { CLIENT_ADAPTERS, getClientAdapter } from '../clients/client-registry.ts';
import {
  connectClientFile,
  disconnectClientFile,
  nodeFsLike,
  readConfigText,
  type ConfigChangeResult,
} from '../clients/config-file.ts';
import { formatImportPlan } from '../clients/import-plan-format.ts';
import { buildImportPlan, type ImportPlan } from '../clients/import-plan.ts';
import {
  bridgeEntry,
  entryForClient,
  httpEntry,
  SWITCHBOARD_ENTRY_NAME,
  type SwitchboardEntry,
} from '../clients/switchboard-entry.ts';
import { createTokenVerifier } from '../gateway/tokens/token-verifier.ts';
import { isSwitchboardError, SwitchboardError } from '../lib/errors.ts';
import { createClientTokenRepository } from '../registry/client-token-repository.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/**
 * clients.*: connect AI client apps to the gateway (their config files are merged, backed up and written
 * atomically by main/clients), and import the servers they already have. Each HTTP client gets its own
 * token, named after the client, so it can be revoked alone; the token goes into the client's file only.
 */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { hub } = services;
  const tokens = createClientTokenRepository(hub.registry.db, { clock: hub.clock });
  const verifier = createTokenVerifier({ source: tokens, clock: hub.clock });
  const fileOptions = deps.now ? { now: deps.now } : {};

  const ctx = (projectDir?: string): ConfigPathContext => ({
    ...deps.clientContext,
    ...(projectDir === undefined ? {} : { projectDir }),
  });
  const gatewayUrl = () => services.gatewayStatus().url;

  /** The file to edit: the detected user-scope file, or the client's project file for `projectDir`. */
  const fileFor = async (adapter: ClientAdapter, projectDir: string | undefined): Promise<string> => {
    if (projectDir === undefined) return (await adapter.detect(nodeFsLike, ctx())).configPath;
    const project = adapter.configPaths(ctx(projectDir)).find((l) => l.scope === 'project');
    if (!project) {
      throw new SwitchboardError(
        'VALIDATION',
        `projectDir: ${adapter.displayName} has no per-project config file`,
        {
          details: {
            issues: [{ path: ['projectDir'], message: 'this client has no per-project config file' }],
          },
        },
      );
    }
    return project.path;
  };

  /** Whether the file holds our entry, and whether it still says exactly what we would write now. */
  const entryState = (adapter: ClientAdapter, text: string, file: string): AiClient['entry'] => {
    const ours = adapter.readServers(text, file).find((s) => s.name === SWITCHBOARD_ENTRY_NAME);
    if (ours === undefined) return 'absent';
    if (!adapter.supportsHttp) return adapter.entryStatus(text, bridgeEntry(deps.bridgeCommand()), file);
    if (ours.transport !== 'http' && ours.transport !== 'sse') return 'outdated';
    const auth = Object.entries(ours.headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    const token = /^Bearer\s+(\S+)$/i.exec(auth ?? '')?.[1];
    // Current means: a live token of this very client, and every key exactly as `connect` would write it.
    if (token === undefined || verifier.verify(token)?.clientName !== adapter.id) return 'outdated';
    return adapter.entryStatus(text, httpEntry(gatewayUrl(), token), file);
  };

  const describe = async (adapter: ClientAdapter): Promise<AiClient> => {
    const base = {
      id: adapter.id,
      displayName: adapter.displayName,
      supportsHttp: adapter.supportsHttp,
      restartHint: adapter.restartHint,
    };
    let detection;
    try {
      detection = await adapter.detect(nodeFsLike, ctx());
    } catch (error) {
      return { ...base, detected: false, configPath: null, entry: 'unreadable', problem: messageOf(error) };
    }
    const client = { ...base, detected: detection.installed, configPath: detection.configPath };
    if (!detection.configExists) return { ...client, entry: 'absent' };
    try {
      const { text } = await readConfigText(detection.configPath);
      return { ...client, entry: entryState(adapter, text, detection.configPath) };
    } catch (error) {
      return { ...client, entry: 'unreadable', problem: hub.redactor.redact(messageOf(error)) };
    }
  };

  const planFor = async (adapter: ClientAdapter, replace: boolean): Promise<ImportPlan> => {
    const file = (await adapter.detect(nodeFsLike, ctx())).configPath;
    const { text } = await readConfigText(file);
    const servers = adapter.readServers(text, file);
    return buildImportPlan(servers, {
      clientName: adapter.displayName,
      existingPrefixes: replace ? [] : hub.registry.servers.list().map((s) => s.prefix),
      self: { gatewayUrl: gatewayUrl(), bridgeScript: deps.bridgeCommand().args[0] ?? '' },
    });
  };

  const result = (change: ConfigChangeResult) => ({
    path: change.path,
    changed: change.changed,
    ...(change.backupPath === undefined ? {} : { backupPath: change.backupPath }),
    restartHint: change.restartHint,
  });

  return {
    'clients.list': () => Promise.all(CLIENT_ADAPTERS.map(describe)),

    'clients.connect': async ({ id, projectDir }) => {
      const adapter = getClientAdapter(id);
      const file = await fileFor(adapter, projectDir);
      if (!adapter.supportsHttp) {
        return result(await connectClientFile(file, adapter, bridgeEntry(deps.bridgeCommand()), fileOptions));
      }
      // Refuse an unreadable file BEFORE any token changes, so a failed connect leaves the old token working.
      const { text } = await readConfigText(file);
      adapter.writeEntry(text, httpEntry(gatewayUrl(), 'placeholder'), file);
      const token = hub.registry.db.connection.transaction(() => {
        if (tokens.list().some((t) => t.name === adapter.id)) tokens.revoke(adapter.id);
        return tokens.create(adapter.id).token;
      })();
      const entry: SwitchboardEntry = entryForClient(adapter, { gatewayUrl: gatewayUrl(), token });
      try {
        return result(await connectClientFile(file, adapter, entry, fileOptions));
      } catch (error) {
        if (isSwitchboardError(error)) throw error;
        throw new SwitchboardError(
          'CLIENT_CONFIG_UNREADABLE',
          `could not write ${file}: ${messageOf(error)}. Connect ${adapter.displayName} again once it is writable`,
        );
      }
    },

    'clients.disconnect': async ({ id, projectDir }) => {
      const adapter = getClientAdapter(id);
      const file = await fileFor(adapter, projectDir);
      const change = await disconnectClientFile(file, adapter, SWITCHBOARD_ENTRY_NAME, fileOptions);
      if (adapter.supportsHttp && tokens.list().some((t) => t.name === adapter.id)) tokens.revoke(adapter.id);
      return result(change);
    },

    'clients.importPreview': async ({ id }) => {
      const adapter = getClientAdapter(id);
      const plan = await planFor(adapter, false);
      return {
        add: plan.add.map((a) => ({
          prefix: a.definition.prefix,
          name: a.definition.name,
          transport: a.definition.transport,
          fromNames: a.fromNames,
          secretNames: a.secretNames,
          missingNames: a.missingNames,
        })),
        skipped: plan.skipped,
        text: formatImportPlan(plan),
      };
    },

    'clients.import': async ({ id, replace }) => {
      const adapter = getClientAdapter(id);
      const plan = await planFor(adapter, replace === true);
      const { registry, variables } = hub;
      // One transaction: every definition and every secret (to the vault), or nothing.
      const imported = registry.db.connection.transaction(() => {
        const prefixes: string[] = [];
        for (const add of plan.add) {
          const prefix = add.definition.prefix;
          if (registry.servers.find(prefix)) registry.servers.update(prefix, add.definition);
          else registry.servers.add(add.definition);
          prefixes.push(prefix);
        }
        for (const secret of plan.secrets) variables.set(secret.prefix, secret.name, secret.value);
        return prefixes;
      })();
      if (imported.length > 0) await services.serversChanged();
      return { imported };
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
