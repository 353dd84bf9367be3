import { errorMessage } from '../lib/errors.ts';
import type { ClientAdapter } from './client-adapter.ts';
import type { ClientEntries } from './client-entries.ts';
import { CLIENT_ADAPTERS } from './client-registry.ts';
import type { ClientRow, ClientService } from './client-service-model.ts';
import type { ClientTargets, Target } from './client-targets.ts';
import { readConfigText } from './config-file.ts';
import { entryConflict, findOurEntry } from './entry-ownership.ts';

/**
 * `switchboard clients` and the window's client list: every supported client with its file and the state of
 * our entry in it. Nothing here throws for one client: a file that cannot be found or read, or whose
 * `switchboard` entry is not ours (entry-ownership.ts), only marks its own row, with the problem.
 */
export function createClientListing(
  targets: ClientTargets,
  entries: Pick<ClientEntries, 'entryState'>,
  redact: (text: string) => string,
): Pick<ClientService, 'listClients'> {
  const describe = async (adapter: ClientAdapter, projectDir: string | undefined): Promise<ClientRow> => {
    const base = {
      id: adapter.id,
      displayName: adapter.displayName,
      supportsHttp: adapter.supportsHttp,
      restartHint: adapter.restartHint,
    };
    let target: Target;
    try {
      target = await targets.resolveTarget(adapter, projectDir, { projectOptional: true });
    } catch (error) {
      return {
        ...base,
        detected: false,
        configPath: null,
        configExists: false,
        scope: projectDir === undefined ? 'user' : 'project',
        entry: 'unreadable',
        problem: redact(errorMessage(error)),
      };
    }
    const row = { ...base, detected: target.detected, configPath: target.path, scope: target.scope };
    try {
      const { text, exists } = await readConfigText(target.path);
      if (!exists) return { ...row, configExists: false, entry: 'absent' };
      const servers = adapter.readServers(text, target.path);
      const found = findOurEntry(servers, text, targets.self());
      const conflict = entryConflict(target.path, adapter, found, 'connect');
      if (conflict !== undefined) {
        return { ...row, configExists: true, entry: 'conflict', problem: redact(conflict.message) };
      }
      return { ...row, configExists: true, entry: entries.entryState(target, text) };
    } catch (error) {
      // One client's broken file must not hide the others: report it on its row.
      return {
        ...row,
        configExists: await targets.fs.exists(target.path),
        entry: 'unreadable',
        problem: redact(errorMessage(error)),
      };
    }
  };

  return {
    async listClients(options = {}) {
      const projectDir = await targets.checkedProjectDir(options.projectDir);
      return Promise.all(CLIENT_ADAPTERS.map((adapter) => describe(adapter, projectDir)));
    },
  };
}
