import type { ClientTokenInfo } from '../registry/client-token-repository.ts';
import type { UseCaseContext } from './context.ts';

/** Client tokens: one bearer token per AI client app, shown once at creation, stored hashed. */
export interface TokenUseCases {
  list(): ClientTokenInfo[];
  create(name: string): { token: string; info: ClientTokenInfo };
  /** Deletes the token; its open sessions and streams end at once. */
  revoke(name: string): ClientTokenInfo;
}

/** The token use-cases over a context. */
export function tokenUseCases(ctx: UseCaseContext): TokenUseCases {
  const { tokens } = ctx.registry;
  return {
    list: () => tokens.list(),
    create: (name) => ctx.registry.write(() => tokens.create(name)),
    revoke(name) {
      const revoked = ctx.registry.write(() => tokens.revoke(name));
      ctx.runtime()?.gateway.closeSessionsOf(String(revoked.id));
      return revoked;
    },
  };
}
