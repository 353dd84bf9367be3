import { SwitchboardError } from '../lib/errors.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** variables.*: per-user values of a server's variables. Values go in; only `isSet` ever comes out. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { variables } = services.hub;

  return {
    'variables.set': async ({ prefix, name, value }) => {
      variables.set(prefix, name, value);
      await services.serversChanged(prefix);
      const state = variables.list(prefix).find((v) => v.name === name);
      if (!state) throw new SwitchboardError('INTERNAL', `variable ${name} vanished after it was set`);
      return state;
    },

    'variables.unset': async ({ prefix, name }) => {
      variables.unset(prefix, name);
      await services.serversChanged(prefix);
      return { done: true as const };
    },

    'variables.clear': async ({ prefix }) => {
      const removed = variables.clear(prefix);
      await services.serversChanged(prefix);
      return { removed };
    },
  };
}
