import type {
  ClientRow,
  ClientScopeOptions,
  ClientService,
  ConnectResult,
  DisconnectResult,
  ImportPreview,
  ImportResult,
  InstallLinkResult,
} from '../clients/client-service.ts';
import type { UseCaseContext } from './context.ts';
import { profileUseCases } from './profiles.ts';

/** Connecting AI clients to the hub and importing their servers. */
export interface ClientUseCases {
  list(options?: ClientScopeOptions): Promise<ClientRow[]>;
  /** With `profile` (issue 13): checked first, then the client's token (or the bridge) is bound to it. */
  connect(id: string, options?: ClientScopeOptions & { profile?: string }): Promise<ConnectResult>;
  /** Removes our entry from the client's file and revokes its token (its open sessions end at once). */
  disconnect(id: string, options?: ClientScopeOptions): Promise<DisconnectResult>;
  importPreview(id: string, options?: ClientScopeOptions): Promise<ImportPreview>;
  importServers(id: string, options?: ClientScopeOptions & { replace?: boolean }): Promise<ImportResult>;
  printLink(id: string, options?: ClientScopeOptions): Promise<InstallLinkResult>;
}

/** The client use-cases over a context and the one client service the hub built. */
export function clientUseCases(ctx: UseCaseContext, service: ClientService): ClientUseCases {
  return {
    list: (options) => service.listClients(options),
    async connect(id, options) {
      const { profile, ...scope } = options ?? {};
      if (profile === undefined) return service.connect(id, scope);
      const profiles = profileUseCases(ctx);
      profiles.assertExists(profile);
      const result = await service.connect(id, scope);
      profiles.use(
        result.kind === 'http' && result.tokenName !== undefined ? result.tokenName : 'bridge',
        profile,
      );
      return result;
    },
    async disconnect(id, options) {
      const tokenIds = new Map(ctx.registry.tokens.list().map((t) => [t.name.toLowerCase(), t.id]));
      const result = await service.disconnect(id, options);
      const revoked =
        result.revokedToken === null ? undefined : tokenIds.get(result.revokedToken.toLowerCase());
      if (revoked !== undefined) ctx.runtime()?.gateway.closeSessionsOf(String(revoked));
      return result;
    },
    importPreview: (id, options) => service.importPreview(id, options),
    async importServers(id, options) {
      const result = await service.importServers(id, options);
      if (result.imported.length > 0) await ctx.runtime()?.serversChanged();
      return result;
    },
    printLink: (id, options) => service.printLink(id, options),
  };
}
