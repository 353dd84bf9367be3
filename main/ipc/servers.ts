import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** servers.*: the server use-cases, as the window calls them. */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { servers } = hub.useCases;
  return {
    'servers.list': () => servers.list(),
    'servers.get': ({ prefix }) => servers.get(prefix),
    // The repository validates with ServerDefinitionSchema: VALIDATION carries details.issues per field.
    'servers.add': ({ definition, values, clientSecret, heldSecrets }) =>
      servers.add(definition, { values, clientSecret, heldSecrets }),
    'servers.update': ({ prefix, definition }) => servers.update(prefix, definition),
    'servers.remove': async ({ prefix }) => {
      await servers.remove(prefix);
      return { done: true as const };
    },
    'servers.setEnabled': ({ prefix, enabled }) => servers.setEnabled(prefix, enabled),
    'servers.parseSnippet': ({ text }) => servers.parseSnippet(text),
    'servers.logs': ({ prefix }) => ({ lines: servers.logs(prefix) }),
  };
}
