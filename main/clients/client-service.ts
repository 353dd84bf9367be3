import path from 'node:path';
import { findTokenMatch } from '../tokens/token-crypto.ts';
import { isSwitchboardError, SwitchboardError, errorMessage } from '../lib/errors.ts';
import { parseBearerToken } from '../tokens/bearer.ts';
import type { ClientAdapter, ConfigPathContext, EntryStatus, ImportedServer } from './client-adapter.ts';
import { CLIENT_ADAPTERS, getClientAdapter } from './client-registry.ts';
import { projectTokenName } from './client-scope.ts';
import {
  connectClientFile,
  disconnectClientFile,
  readConfigText,
  updateConfigFile,
  type ConfigChangeResult,
  type ConfigFileOptions,
} from './config-file.ts';
import { hasInstallLink, installLinkFor } from './deep-links.ts';
import { entryConflict, findOurEntry } from './entry-ownership.ts';
import { formatImportPlan } from './import-plan-format.ts';
import { buildImportPlan, type ImportPlan } from './import-plan.ts';
import { clientPathContext } from './platform-paths.ts';
import type { SelfIdentity } from './self-entry.ts';
import {
  SWITCHBOARD_ENTRY_NAME,
  bridgeEntry,
  httpEntry,
  type BridgeCommand,
  type SwitchboardEntry,
} from './switchboard-entry.ts';

// Over 400 lines on purpose: one closure over the service's dependencies, whose helpers (targets, entries, tokens)
// every use-case shares; its types live in client-service-model.ts and its name rules in client-scope.ts.

/**
 * Connecting AI clients to the hub and importing their servers: the one implementation behind the CLI
 * (`clients`, `connect`, `disconnect`, `import`) and the window's `clients.*` commands, which only format.
 *
 * - HTTP clients get the gateway URL (the configured port) and a bearer token of their own, named after the
 *   client; a project file gets a token of its own (`<client>.<folder>-<hash>`), so it never breaks the user
 *   entry. A token still live in the file is kept, so connecting twice changes nothing.
 * - Claude Desktop gets the stdio bridge by absolute path (docs/decisions/claude-desktop-bridge-runtime.md).
 * - A client file that does not parse fails before any token is made or revoked; a token made for a write
 *   that then fails is revoked again.
 * - Importing unlocks the vault first (when there are secrets), then stores every definition and secret in
 *   one transaction; `replace` then swaps the imported entries in the client's file for ours (backup kept).
 * - Client files are looked up under $SWITCHBOARD_CLIENT_HOME instead of the home folder when it is set.
 */

import {
  nodeClientFs,
  type ClientFileChange,
  type ClientRow,
  type ClientService,
  type ClientServiceDeps,
  type ImportPreviewPlan,
  type ImportResult,
  type ImportSource,
} from './client-service-model.ts';

export { nodeClientFs } from './client-service-model.ts';
export { hasProjectFile, projectTokenName } from './client-scope.ts';
export type {
  ClientFs,
  ClientServiceDeps,
  ClientScopeOptions,
  ClientRow,
  ClientFileChange,
  ConnectResult,
  DisconnectResult,
  ImportPreviewPlan,
  ImportSource,
  ImportPreview,
  ImportResult,
  InstallLinkResult,
  ClientService,
} from './client-service-model.ts';

/** Where our entry goes for one client. */
interface Target {
  adapter: ClientAdapter;
  path: string;
  scope: 'user' | 'project';
  detected: boolean;
  /** The client token this file carries (HTTP clients). */
  tokenName: string;
}

interface PreparedEntry {
  entry: SwitchboardEntry;
  /** Undoes what preparing did (a token created for a write that then failed). */
  rollback(): void;
}

/** The client service over its dependencies; see the module comment. */
export function createClientService(deps: ClientServiceDeps): ClientService {
  const clientFs = deps.fs ?? nodeClientFs;
  const redact = deps.redact ?? ((text: string) => text);
  const fileOptions: ConfigFileOptions = { now: () => new Date(deps.clock.now()) };

  const gatewayUrl = () => `http://127.0.0.1:${deps.settings.get('gateway.port')}/mcp`;

  const bridge = (): BridgeCommand => {
    const launch = deps.bridgeCommand();
    // An empty `env` says nothing; leaving it out keeps the client's file as small as it can be.
    return Object.keys(launch.env).length === 0
      ? { command: launch.command, args: launch.args }
      : { command: launch.command, args: launch.args, env: launch.env };
  };

  const pathContext = (projectDir?: string): ConfigPathContext =>
    clientPathContext({
      platform: deps.platform,
      homedir: deps.homedir,
      env: deps.env,
      projectDir,
    });

  const checkedProjectDir = async (dir: string | undefined): Promise<string | undefined> => {
    if (dir === undefined) return undefined;
    const absolute = path.resolve(dir);
    if (!(await clientFs.isDirectory(absolute))) {
      throw new SwitchboardError('VALIDATION', `the project folder ${absolute} is not a folder`, {
        details: { issues: [{ path: ['projectDir'], message: 'is not a folder' }] },
      });
    }
    return absolute;
  };

  /** The user file (as detected), or the project file; `projectOptional` falls back to the user file. */
  const resolveTarget = async (
    adapter: ClientAdapter,
    projectDir: string | undefined,
    options: { projectOptional?: boolean } = {},
  ): Promise<Target> => {
    const ctx = pathContext(projectDir);
    const detection = await adapter.detect(clientFs, ctx);
    if (projectDir !== undefined) {
      const location = adapter.configPaths(ctx).find((l) => l.scope === 'project');
      if (location !== undefined) {
        return {
          adapter,
          path: location.path,
          scope: 'project',
          detected: detection.installed || (await clientFs.exists(location.path)),
          tokenName: projectTokenName(adapter.id, projectDir),
        };
      }
      if (!options.projectOptional) throw noProjectFile(adapter);
    }
    return {
      adapter,
      path: detection.configPath,
      scope: 'user',
      detected: detection.installed,
      tokenName: adapter.id,
    };
  };

  /** How Switchboard's own entries look, to tell them from a person's entry of the same name. */
  const self = (): SelfIdentity => ({
    gatewayUrl: gatewayUrl(),
    bridgeScript: deps.bridgeCommand().args[0] ?? '',
  });

  /** Reads and parses the file; an unreadable one throws here, before anything else happens. */
  const readTarget = async (target: Target) => {
    const { text, exists } = await readConfigText(target.path);
    const servers = target.adapter.readServers(text, target.path);
    return { text, exists, servers };
  };

  /**
   * Reads the file and refuses (CONFLICT, nothing changed, no token made) when the entry named switchboard is
   * not ours to change: a person's own server of that name, or several copies (docs/decisions/client-file-modes.md).
   */
  const readOwnedTarget = async (target: Target, action: 'connect' | 'disconnect') => {
    const read = await readTarget(target);
    const conflict = entryConflict(
      target.path,
      target.adapter,
      findOurEntry(read.servers, read.text, self()),
      action,
    );
    if (conflict !== undefined) throw conflict;
    return read;
  };

  /** The bearer token of our entry in the file when it is a live token of this file's name; never shown. */
  const validTokenInFile = (target: Target, servers: ImportedServer[]): string | undefined => {
    const ours = servers.find((s) => s.name === SWITCHBOARD_ENTRY_NAME);
    if (ours === undefined || ours.transport === 'stdio' || ours.transport === 'unsupported')
      return undefined;
    const authorization = Object.entries(ours.headers).find(([key]) => key.toLowerCase() === 'authorization');
    const token = parseBearerToken(authorization?.[1]?.trim() ?? null);
    if (token === undefined) return undefined;
    const candidates = deps.tokens.activeTokens().filter((t) => t.name === target.tokenName);
    return findTokenMatch(token, candidates) === undefined ? undefined : token;
  };

  /** Whether the file's entry is what connecting would write now; a revoked or foreign token is outdated. */
  const entryState = (target: Target, text: string): EntryStatus => {
    const { adapter } = target;
    if (!adapter.supportsHttp) return adapter.entryStatus(text, bridgeEntry(bridge()), target.path);
    const servers = adapter.readServers(text, target.path);
    if (!servers.some((s) => s.name === SWITCHBOARD_ENTRY_NAME)) return 'absent';
    const token = validTokenInFile(target, servers);
    if (token === undefined) return 'outdated';
    return adapter.entryStatus(text, httpEntry(gatewayUrl(), token), target.path);
  };

  const revokeIfPresent = (name: string): boolean => {
    if (!deps.tokens.list().some((t) => t.name === name)) return false;
    deps.tokens.revoke(name);
    return true;
  };

  /**
   * The entry to write. HTTP clients keep the token already in their file while it is still that file's live
   * token; otherwise the old token of that name is revoked and a new one made, in one transaction.
   */
  const prepareEntry = (target: Target, servers: ImportedServer[]): PreparedEntry => {
    if (!target.adapter.supportsHttp) return { entry: bridgeEntry(bridge()), rollback: () => {} };
    const url = gatewayUrl();
    const existing = validTokenInFile(target, servers);
    if (existing !== undefined) return { entry: httpEntry(url, existing), rollback: () => {} };
    const created = deps.transaction(() => {
      revokeIfPresent(target.tokenName);
      return deps.tokens.create(target.tokenName);
    });
    return {
      entry: httpEntry(url, created.token),
      rollback: () => revokeIfPresent(target.tokenName),
    };
  };

  const describe = async (adapter: ClientAdapter, projectDir: string | undefined): Promise<ClientRow> => {
    const base = {
      id: adapter.id,
      displayName: adapter.displayName,
      supportsHttp: adapter.supportsHttp,
      restartHint: adapter.restartHint,
    };
    let target: Target;
    try {
      target = await resolveTarget(adapter, projectDir, { projectOptional: true });
    } catch (error) {
      return {
        ...base,
        detected: false,
        configPath: null,
        configExists: false,
        scope: projectDir === undefined ? 'user' : 'project',
        entry: 'unreadable',
        problem: redact(messageOf(error)),
      };
    }
    const row = { ...base, detected: target.detected, configPath: target.path, scope: target.scope };
    try {
      const { text, exists } = await readConfigText(target.path);
      if (!exists) return { ...row, configExists: false, entry: 'absent' };
      const servers = adapter.readServers(text, target.path);
      const conflict = entryConflict(target.path, adapter, findOurEntry(servers, text, self()), 'connect');
      if (conflict !== undefined) {
        return { ...row, configExists: true, entry: 'conflict', problem: redact(conflict.message) };
      }
      return { ...row, configExists: true, entry: entryState(target, text) };
    } catch (error) {
      // One client's broken file must not hide the others: report it on its row.
      return {
        ...row,
        configExists: await clientFs.exists(target.path),
        entry: 'unreadable',
        problem: redact(messageOf(error)),
      };
    }
  };

  const planFor = (adapter: ClientAdapter, servers: ImportedServer[]): ImportPlan =>
    buildImportPlan(servers, {
      clientName: adapter.displayName,
      existingPrefixes: deps.servers.list().map((s) => s.prefix),
      self: { gatewayUrl: gatewayUrl(), bridgeScript: deps.bridgeCommand().args[0] ?? '' },
    });

  const sourceOf = (target: Target, exists: boolean): ImportSource => ({
    client: target.adapter.id,
    displayName: target.adapter.displayName,
    path: target.path,
    exists,
  });

  const change = (target: Target, result: ConfigChangeResult): ClientFileChange => ({
    client: target.adapter.id,
    ...result,
    scope: target.scope,
  });

  return {
    async listClients(options = {}) {
      const projectDir = await checkedProjectDir(options.projectDir);
      return Promise.all(CLIENT_ADAPTERS.map((adapter) => describe(adapter, projectDir)));
    },

    async connect(id, options = {}) {
      const adapter = getClientAdapter(id);
      const target = await resolveTarget(adapter, await checkedProjectDir(options.projectDir));
      const { servers } = await readOwnedTarget(target, 'connect');
      const prepared = prepareEntry(target, servers);
      let result: ConfigChangeResult;
      try {
        result = await connectClientFile(target.path, adapter, prepared.entry, fileOptions);
      } catch (error) {
        prepared.rollback();
        throw writeFailed(target.path, adapter, error);
      }
      const { entry } = prepared;
      return {
        ...change(target, result),
        kind: entry.kind,
        ...(entry.kind === 'http' ? { url: entry.url, tokenName: target.tokenName } : {}),
      };
    },

    async disconnect(id, options = {}) {
      const adapter = getClientAdapter(id);
      const target = await resolveTarget(adapter, await checkedProjectDir(options.projectDir));
      // The file first: if it cannot be read, or the entry is not ours, nothing changes (the token keeps working).
      await readOwnedTarget(target, 'disconnect');
      const result = await disconnectClientFile(target.path, adapter, SWITCHBOARD_ENTRY_NAME, fileOptions);
      const revoked = adapter.supportsHttp && revokeIfPresent(target.tokenName);
      return { ...change(target, result), revokedToken: revoked ? target.tokenName : null };
    },

    async importPreview(id, options = {}) {
      const adapter = getClientAdapter(id);
      const target = await resolveTarget(adapter, await checkedProjectDir(options.projectDir));
      const { exists, servers } = await readTarget(target);
      const plan = planFor(adapter, servers);
      return { source: sourceOf(target, exists), plan: previewOf(plan), text: formatImportPlan(plan) };
    },

    async importServers(id, options = {}) {
      const adapter = getClientAdapter(id);
      const target = await resolveTarget(adapter, await checkedProjectDir(options.projectDir));
      const { exists, servers } = await readTarget(target);
      const plan = planFor(adapter, servers);
      const source = sourceOf(target, exists);
      const text = formatImportPlan(plan);
      if (plan.add.length === 0) {
        return { source, text, imported: [], secrets: [], needsValues: [], skipped: plan.skipped };
      }

      // Fails with VAULT_UNAVAILABLE before anything is written; the transaction below rolls back otherwise.
      if (plan.secrets.length > 0) deps.vault.unlock();
      const stored = deps.transaction(() => {
        const added = plan.add.map((item) => deps.servers.add(item.definition));
        for (const secret of plan.secrets) deps.variables.set(secret.prefix, secret.name, secret.value);
        return added;
      });
      const imported = stored.map((s) => s.prefix);
      const needsValues = plan.add.flatMap((item) =>
        item.missingNames.map((name) => {
          const secret =
            stored.find((s) => s.prefix === item.definition.prefix)?.envVars.find((v) => v.name === name)
              ?.secret ?? true;
          return { prefix: item.definition.prefix, name, secret };
        }),
      );
      const result: ImportResult = {
        source,
        text,
        imported,
        secrets: plan.secrets.map((s) => ({ prefix: s.prefix, name: s.name })),
        needsValues,
        skipped: plan.skipped,
      };
      if (!options.replace) return result;

      const names = plan.add.flatMap((item) => item.fromNames);
      const prepared = prepareEntry(target, servers);
      try {
        const replaced = await updateConfigFile(
          target.path,
          adapter.restartHint,
          (current) => {
            let next = current;
            for (const name of names) next = adapter.removeEntry(next, name, target.path);
            return adapter.writeEntry(next, prepared.entry, target.path);
          },
          fileOptions,
        );
        return { ...result, replaced: { ...replaced, removedEntries: names } };
      } catch (error) {
        prepared.rollback();
        throw new SwitchboardError(
          isSwitchboardError(error) ? error.code : 'INTERNAL',
          `imported ${imported.join(', ')}, but ${target.path} was not changed: ${messageOf(error)}`,
          { cause: error },
        );
      }
    },

    async printLink(id, options = {}) {
      const adapter = getClientAdapter(id);
      if (!hasInstallLink(adapter.id)) {
        throw new SwitchboardError(
          'USAGE',
          `${adapter.displayName} has no install link; only Cursor and VS Code do`,
        );
      }
      const target = await resolveTarget(adapter, await checkedProjectDir(options.projectDir));
      // Parse first: a file we cannot read must fail before any token is created or revoked.
      const { servers } = await readOwnedTarget(target, 'connect');
      const { entry } = prepareEntry(target, servers);
      return {
        client: adapter.id,
        displayName: adapter.displayName,
        link: installLinkFor(adapter.id, entry) as string,
        tokenName: target.tokenName,
        restartHint: adapter.restartHint,
      };
    },
  };
}

/** The plan without secret values, as the CLI's --json dry run and the window's preview show it. */
function previewOf(plan: ImportPlan): ImportPreviewPlan {
  return {
    add: plan.add.map((item) => ({
      prefix: item.definition.prefix,
      name: item.definition.name ?? item.definition.prefix,
      transport: item.definition.transport,
      fromNames: item.fromNames,
      secretNames: item.secretNames,
      missingNames: item.missingNames,
    })),
    skipped: plan.skipped,
  };
}

function noProjectFile(adapter: ClientAdapter): SwitchboardError {
  return new SwitchboardError(
    'VALIDATION',
    `${adapter.displayName} has no per-project config file; leave out the project folder to use its user file`,
    {
      details: { issues: [{ path: ['projectDir'], message: 'this client has no per-project config file' }] },
    },
  );
}

/** A write that failed for a reason of its own (permissions, a full disk) gets a code and a next step. */
function writeFailed(file: string, adapter: ClientAdapter, error: unknown): unknown {
  if (isSwitchboardError(error)) return error;
  return new SwitchboardError(
    'CLIENT_CONFIG_UNREADABLE',
    `could not write ${file}: ${messageOf(error)}. Connect ${adapter.displayName} again once it is writable`,
    { cause: error },
  );
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}
