import type { ClientFileChange } from '../clients/client-service.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** clients.*: the window's side of the client use-cases. Install links are never listed: they carry a token. */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { clients } = hub.useCases;
  const scope = (projectDir: string | undefined) => ({ projectDir });
  return {
    'clients.list': async () =>
      (await clients.list()).map((row) => ({
        id: row.id,
        displayName: row.displayName,
        detected: row.detected,
        configPath: row.configPath,
        supportsHttp: row.supportsHttp,
        entry: row.entry,
        problem: row.problem,
        restartHint: row.restartHint,
      })),
    'clients.connect': async ({ id, projectDir }) =>
      writeResult(await clients.connect(id, scope(projectDir))),
    'clients.previewConnect': async ({ id, projectDir }) => {
      const preview = await clients.previewConnect(id, scope(projectDir));
      return {
        path: preview.path,
        exists: preview.exists,
        detected: preview.detected,
        kind: preview.kind,
        url: preview.url,
        changed: preview.changed,
        newToken: preview.newToken,
        hunks: preview.hunks,
        snippet: preview.snippet,
      };
    },
    'clients.manualEntry': async ({ id, projectDir }) => {
      const { path, snippet, tokenName, restartHint } = await clients.manualEntry(id, scope(projectDir));
      return { path, snippet, tokenName, restartHint };
    },
    'clients.check': async ({ id, projectDir }) => {
      const { target, ok, toolCount, sampleTools, problem } = await clients.checkEntry(id, scope(projectDir));
      return { target, ok, toolCount, sampleTools, problem };
    },
    'clients.disconnect': async ({ id, projectDir }) =>
      writeResult(await clients.disconnect(id, scope(projectDir))),
    'clients.importPreview': async ({ id }) => {
      const preview = await clients.importPreview(id);
      return { ...preview.plan, text: preview.text };
    },
    'clients.import': async ({ id, replace }) => ({
      imported: (await clients.importServers(id, { replace: replace === true })).imported,
    }),
  };
}

function writeResult(change: ClientFileChange) {
  return {
    path: change.path,
    changed: change.changed,
    backupPath: change.backupPath,
    modeTightened: change.modeTightened,
    restartHint: change.restartHint,
  };
}
