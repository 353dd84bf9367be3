import type { AiClient } from '../../preload/contract/models.ts';
import {
  createClientService,
  hubClientServiceDeps,
  type ClientFileChange,
  type ClientRow,
} from '../clients/client-service.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/**
 * clients.*: the window's side of main/clients/client-service.ts (the same service the CLI uses), mapped
 * onto the contract. Install links are never listed: they carry a client token.
 */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { hub } = services;
  const { now } = deps;
  const service = createClientService({
    ...hubClientServiceDeps(hub),
    ...(now === undefined ? {} : { clock: { now: () => now().getTime() } }),
    platform: deps.clientContext.platform,
    homedir: deps.clientContext.home,
    env: deps.clientContext.env,
    bridgeCommand: () => deps.bridgeCommand(),
  });

  return {
    'clients.list': async () => (await service.listClients()).map(toAiClient),

    'clients.connect': async ({ id, projectDir }) =>
      toWriteResult(await service.connect(id, projectDir === undefined ? {} : { projectDir })),

    'clients.disconnect': async ({ id, projectDir }) =>
      toWriteResult(await service.disconnect(id, projectDir === undefined ? {} : { projectDir })),

    'clients.importPreview': async ({ id }) => {
      const preview = await service.importPreview(id);
      return { ...preview.plan, text: preview.text };
    },

    'clients.import': async ({ id, replace }) => {
      const { imported } = await service.importServers(id, { replace: replace === true });
      if (imported.length > 0) await services.serversChanged();
      return { imported };
    },
  };
}

function toAiClient(row: ClientRow): AiClient {
  return {
    id: row.id,
    displayName: row.displayName,
    detected: row.detected,
    configPath: row.configPath,
    supportsHttp: row.supportsHttp,
    entry: row.entry,
    ...(row.problem === undefined ? {} : { problem: row.problem }),
    restartHint: row.restartHint,
  };
}

function toWriteResult(change: ClientFileChange) {
  return {
    path: change.path,
    changed: change.changed,
    ...(change.backupPath === undefined ? {} : { backupPath: change.backupPath }),
    restartHint: change.restartHint,
  };
}
