import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** variables.*: per-user values of a server's variables. Values go in; only `isSet` ever comes out. */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { variables } = hub.useCases;
  return {
    'variables.set': async ({ prefix, name, value }) => (await variables.set(prefix, name, value)).state,
    'variables.unset': async ({ prefix, name }) => {
      await variables.unset(prefix, name);
      return { done: true as const };
    },
    'variables.clear': async ({ prefix }) => ({ removed: await variables.clear(prefix) }),
  };
}
