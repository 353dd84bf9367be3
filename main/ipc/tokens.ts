import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** tokens.*: one bearer token per AI client app. A token's value is shown once, at creation. */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { tokens } = hub.useCases;
  return {
    'tokens.list': () =>
      tokens.list().map((t) => ({
        name: t.name,
        createdAt: Date.parse(t.createdAt),
        lastUsedAt: t.lastUsedAt === null ? null : Date.parse(t.lastUsedAt),
      })),
    'tokens.create': ({ name }) => {
      const created = tokens.create(name);
      return { name: created.info.name, token: created.token };
    },
    'tokens.revoke': ({ name }) => {
      tokens.revoke(name);
      return { done: true as const };
    },
  };
}
