import { errorMessage, isSwitchboardError, SwitchboardError } from '../lib/errors.ts';
import type { ClientAdapter } from './client-adapter.ts';
import type { ClientEntries } from './client-entries.ts';
import { getClientAdapter } from './client-registry.ts';
import type { ClientFileChange, ClientService } from './client-service-model.ts';
import type { ClientTargets, Target } from './client-targets.ts';
import {
  connectClientFile,
  disconnectClientFile,
  type ConfigChangeResult,
  type ConfigFileOptions,
} from './config-file.ts';
import { hasInstallLink, installLinkFor } from './deep-links.ts';
import { SWITCHBOARD_ENTRY_NAME } from './switchboard-entry.ts';

/**
 * Writing and removing our entry in a client's file, and the install link that carries the same entry. The
 * file is read (and its `switchboard` entry checked to be ours) before any token is made or revoked; a token
 * made for a write that then fails is revoked again.
 */
export function createClientConnect(
  targets: ClientTargets,
  entries: ClientEntries,
  fileOptions: ConfigFileOptions,
): Pick<ClientService, 'connect' | 'disconnect' | 'printLink'> {
  return {
    async connect(id, options = {}) {
      const target = await targets.targetFor(id, options.projectDir);
      const { adapter } = target;
      const { servers } = await targets.readOwnedTarget(target, 'connect');
      const prepared = entries.prepareEntry(target, servers);
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
      const target = await targets.targetFor(id, options.projectDir);
      const { adapter } = target;
      // The file first: if it cannot be read, or the entry is not ours, nothing changes (the token keeps working).
      await targets.readOwnedTarget(target, 'disconnect');
      const result = await disconnectClientFile(target.path, adapter, SWITCHBOARD_ENTRY_NAME, fileOptions);
      const revoked = adapter.supportsHttp && entries.revokeIfPresent(target.tokenName);
      return { ...change(target, result), revokedToken: revoked ? target.tokenName : null };
    },

    async printLink(id, options = {}) {
      const adapter = getClientAdapter(id);
      if (!hasInstallLink(adapter.id)) {
        throw new SwitchboardError(
          'USAGE',
          `${adapter.displayName} has no install link; only Cursor and VS Code do`,
        );
      }
      const target = await targets.targetFor(id, options.projectDir);
      // Parse first: a file we cannot read must fail before any token is created or revoked.
      const { servers } = await targets.readOwnedTarget(target, 'connect');
      const { entry } = entries.prepareEntry(target, servers);
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

function change(target: Target, result: ConfigChangeResult): ClientFileChange {
  return { client: target.adapter.id, ...result, scope: target.scope };
}

/** A write that failed for a reason of its own (permissions, a full disk) gets a code and a next step. */
function writeFailed(file: string, adapter: ClientAdapter, error: unknown): unknown {
  if (isSwitchboardError(error)) return error;
  return new SwitchboardError(
    'CLIENT_CONFIG_UNREADABLE',
    `could not write ${file}: ${errorMessage(error)}. Connect ${adapter.displayName} again once it is writable`,
    { cause: error },
  );
}
