import { COMMAND_NAMES } from '../../preload/contract/commands.ts';
import { createContractDispatcher, type ContractDispatcher } from './dispatcher.ts';
import type { HandlerTable, IpcDeps, PartialHandlerTable } from './handler-types.ts';
import { register as activity } from './activity.ts';
import { register as app } from './app.ts';
import { register as auth } from './auth.ts';
import { register as catalog } from './catalog.ts';
import { register as clients } from './clients.ts';
import { register as gateway } from './gateway.ts';
import { register as health } from './health.ts';
import { register as profiles } from './profiles.ts';
import { register as servers } from './servers.ts';
import { register as settings } from './settings.ts';
import { register as tokens } from './tokens.ts';
import { register as toolPins } from './tool-pins.ts';
import { register as tools } from './tools.ts';
import { register as transfer } from './transfer.ts';
import { register as variables } from './variables.ts';

const DOMAINS: readonly ((deps: IpcDeps) => PartialHandlerTable)[] = [
  app,
  servers,
  variables,
  tools,
  toolPins,
  health,
  auth,
  activity,
  settings,
  tokens,
  clients,
  catalog,
  transfer,
  gateway,
  profiles,
];

/** Every contract command's handler; throws at startup if a command of the contract has none. */
export function createContractHandlers(deps: IpcDeps): HandlerTable {
  const table: PartialHandlerTable = {};
  for (const register of DOMAINS) Object.assign(table, register(deps));
  const missing = COMMAND_NAMES.filter((name) => typeof table[name] !== 'function');
  if (missing.length > 0) throw new Error(`contract commands without a handler: ${missing.join(', ')}`);
  return table as HandlerTable;
}

/** The dispatcher both shells use: every handler over the hub, errors redacted with the hub's redactor. */
export function createHubDispatcher(deps: IpcDeps): ContractDispatcher {
  return createContractDispatcher(createContractHandlers(deps), {
    redact: (text) => deps.hub.redactor.redact(text),
    log: deps.hub.log,
  });
}
