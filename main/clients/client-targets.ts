import path from 'node:path';
import { SwitchboardError } from '../lib/errors.ts';
import type { ClientAdapter, ImportedServer } from './client-adapter.ts';
import { getClientAdapter } from './client-registry.ts';
import { projectTokenName } from './client-scope.ts';
import { nodeClientFs, type ClientFs, type ClientServiceDeps } from './client-service-model.ts';
import { readConfigText } from './config-file.ts';
import { entryConflict, findOurEntry } from './entry-ownership.ts';
import { clientPathContext } from './platform-paths.ts';
import type { SelfIdentity } from './self-entry.ts';
import type { BridgeCommand } from './switchboard-entry.ts';

/**
 * Which file of a client a call works on, and reading it: the half of the client service every use-case
 * shares before it decides anything (listing, connect/disconnect, import).
 */

/** Where our entry goes for one client. */
export interface Target {
  adapter: ClientAdapter;
  path: string;
  scope: 'user' | 'project';
  detected: boolean;
  /** The client token this file carries (HTTP clients). */
  tokenName: string;
}

/** A client file as read and parsed. */
export interface TargetContents {
  text: string;
  exists: boolean;
  servers: ImportedServer[];
}

export interface ClientTargets {
  fs: ClientFs;
  /** The URL our entries name: the configured port, not whatever port happens to be listening. */
  gatewayUrl(): string;
  /** How stdio-only clients start the bridge. */
  bridge(): BridgeCommand;
  /** How Switchboard's own entries look, to tell them from a person's entry of the same name. */
  self(): SelfIdentity;
  /** The project folder made absolute; VALIDATION when it is not a folder. */
  checkedProjectDir(dir: string | undefined): Promise<string | undefined>;
  /** The user file (as detected), or the project file; `projectOptional` falls back to the user file. */
  resolveTarget(
    adapter: ClientAdapter,
    projectDir: string | undefined,
    options?: { projectOptional?: boolean },
  ): Promise<Target>;
  /** The file a call on client `id` works on: the user file, or the one in `projectDir` (checked first). */
  targetFor(id: string, projectDir: string | undefined): Promise<Target>;
  /** Reads and parses the file; an unreadable one throws here, before anything else happens. */
  readTarget(target: Target): Promise<TargetContents>;
  /**
   * Reads the file and refuses (CONFLICT, nothing changed, no token made) when the entry named switchboard is
   * not ours to change: a person's own server of that name, or several copies (entry-ownership.ts).
   */
  readOwnedTarget(target: Target, action: 'connect' | 'disconnect'): Promise<TargetContents>;
}

export function createClientTargets(deps: ClientServiceDeps): ClientTargets {
  const clientFs = deps.fs ?? nodeClientFs;
  const gatewayUrl = () => `http://127.0.0.1:${deps.settings.get('gateway.port')}/mcp`;

  const bridge = (): BridgeCommand => {
    const launch = deps.bridgeCommand();
    // An empty `env` says nothing; leaving it out keeps the client's file as small as it can be.
    return Object.keys(launch.env).length === 0
      ? { command: launch.command, args: launch.args }
      : { command: launch.command, args: launch.args, env: launch.env };
  };

  const self = (): SelfIdentity => ({
    gatewayUrl: gatewayUrl(),
    bridgeScript: deps.bridgeCommand().args[0] ?? '',
  });

  const readTarget = async (target: Target): Promise<TargetContents> => {
    const { text, exists } = await readConfigText(target.path);
    const servers = target.adapter.readServers(text, target.path);
    return { text, exists, servers };
  };

  const api: ClientTargets = {
    fs: clientFs,
    gatewayUrl,
    bridge,
    self,

    async checkedProjectDir(dir) {
      if (dir === undefined) return undefined;
      const absolute = path.resolve(dir);
      if (!(await clientFs.isDirectory(absolute))) {
        throw new SwitchboardError('VALIDATION', `the project folder ${absolute} is not a folder`, {
          details: { issues: [{ path: ['projectDir'], message: 'is not a folder' }] },
        });
      }
      return absolute;
    },

    async resolveTarget(adapter, projectDir, options = {}) {
      const ctx = clientPathContext({
        platform: deps.platform,
        homedir: deps.homedir,
        env: deps.env,
        projectDir,
      });
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
    },

    async targetFor(id, projectDir) {
      return api.resolveTarget(getClientAdapter(id), await api.checkedProjectDir(projectDir));
    },

    readTarget,

    async readOwnedTarget(target, action) {
      const read = await readTarget(target);
      const found = findOurEntry(read.servers, read.text, self());
      const conflict = entryConflict(target.path, target.adapter, found, action);
      if (conflict !== undefined) throw conflict;
      return read;
    },
  };
  return api;
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
