import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** profiles.*: the window's side of the profile use-cases (issue 13). */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { profiles } = hub.useCases;
  return {
    'profiles.list': () => profiles.list(),
    'profiles.get': ({ name }) => profiles.get(name),
    'profiles.create': ({ name, description, others, toolMode, budget, from }) =>
      profiles.create({ name, description, others, toolMode, budget, from }),
    'profiles.update': ({ name, rename, description, others, toolMode, budget, servers, tools }) =>
      profiles.update(name, { rename, description, others, toolMode, budget, servers, tools }),
    'profiles.remove': ({ name }) => profiles.remove(name),
    'profiles.clients': () => profiles.clients(),
    'profiles.use': ({ client, profile }) => profiles.use(client, profile),
  };
}
