import { errorMessage, isSwitchboardError, SwitchboardError } from '../lib/errors.ts';
import type { ClientAdapter, ImportedServer } from './client-adapter.ts';
import type { ClientEntries } from './client-entries.ts';
import type {
  ClientService,
  ClientServiceDeps,
  ImportPreviewPlan,
  ImportResult,
  ImportSource,
} from './client-service-model.ts';
import type { ClientTargets, Target } from './client-targets.ts';
import { updateConfigFile, type ConfigFileOptions } from './config-file.ts';
import { formatImportPlan } from './import-plan-format.ts';
import { buildImportPlan, type ImportPlan } from './import-plan.ts';

/**
 * Importing a client's servers: the plan (import-plan.ts) as a dry run, or carried out — the vault unlocked
 * first (when there are secrets), then every definition and secret stored in one transaction; `replace` then
 * swaps the imported entries in the client's file for ours (backup kept).
 */
export function createClientImport(
  deps: Pick<ClientServiceDeps, 'servers' | 'transaction' | 'vault' | 'variables'>,
  targets: ClientTargets,
  entries: Pick<ClientEntries, 'prepareEntry'>,
  fileOptions: ConfigFileOptions,
): Pick<ClientService, 'importPreview' | 'importServers'> {
  const planFor = (adapter: ClientAdapter, servers: ImportedServer[]): ImportPlan =>
    buildImportPlan(servers, {
      clientName: adapter.displayName,
      existingPrefixes: deps.servers.list().map((s) => s.prefix),
      self: targets.self(),
    });

  const read = async (id: string, projectDir: string | undefined) => {
    const target = await targets.targetFor(id, projectDir);
    const { adapter } = target;
    const { exists, servers } = await targets.readTarget(target);
    return { adapter, target, servers, plan: planFor(adapter, servers), source: sourceOf(target, exists) };
  };

  return {
    async importPreview(id, options = {}) {
      const { plan, source } = await read(id, options.projectDir);
      return { source, plan: previewOf(plan), text: formatImportPlan(plan) };
    },

    async importServers(id, options = {}) {
      const { adapter, target, servers, plan, source } = await read(id, options.projectDir);
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
      const prepared = entries.prepareEntry(target, servers);
      try {
        const replaced = await updateConfigFile(
          target.path,
          adapter.restartHint,
          (current) => {
            let next = current;
            for (const name of names) next = adapter.removeEntry(next, name, target.path);
            return adapter.writeEntry(next, prepared.entry, target.path);
          },
          // As connecting does: a file that now holds a token is made owner-only.
          { ...fileOptions, holdsToken: prepared.entry.kind === 'http' },
        );
        return { ...result, replaced: { ...replaced, removedEntries: names } };
      } catch (error) {
        prepared.rollback();
        throw new SwitchboardError(
          isSwitchboardError(error) ? error.code : 'INTERNAL',
          `imported ${imported.join(', ')}, but ${target.path} was not changed: ${errorMessage(error)}`,
          { cause: error },
        );
      }
    },
  };
}

function sourceOf(target: Target, exists: boolean): ImportSource {
  return {
    client: target.adapter.id,
    displayName: target.adapter.displayName,
    path: target.path,
    exists,
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
