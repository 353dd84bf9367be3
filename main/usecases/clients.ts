import type {
  ClientRow,
  ClientScopeOptions,
  ClientService,
  ConnectPreview,
  ConnectResult,
  EntryCheck,
  DisconnectResult,
  ImportPreview,
  ImportResult,
  InstallLinkResult,
  ManualEntry,
} from '../clients/client-service.ts';
import type { UseCaseContext } from './context.ts';
import { profileUseCases } from './profiles.ts';

/** Connecting AI clients to the hub and importing their servers. */
export interface ClientUseCases {
  list(options?: ClientScopeOptions): Promise<ClientRow[]>;
  /** With `profile` (issue 13): checked first, then the client's token (or the bridge) is bound to it. */
  connect(id: string, options?: ClientScopeOptions & { profile?: string }): Promise<ConnectResult>;
  /** What connecting would change in the client's file; makes and changes nothing. */
  previewConnect(id: string, options?: ClientScopeOptions): Promise<ConnectPreview>;
  /**
   * Our entry to paste by hand, with a new token for the client's file (replacing the one it had: a client
   * connected before keeps working only once the new entry is in its file).
   */
  manualEntry(id: string, options?: ClientScopeOptions): Promise<ManualEntry>;
  /** Lists the hub's tools through exactly the entry in the client's file, as the client will. */
  checkEntry(id: string, options?: ClientScopeOptions): Promise<EntryCheck>;
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
    disconnect: (id, options) =>
      endingSessionsOfRevoked(
        ctx,
        () => service.disconnect(id, options),
        (r) => r.revokedToken,
      ),
    previewConnect: (id, options) => service.previewConnect(id, options),
    // The token the new entry replaces is revoked: sessions opened with it end now, as on disconnect.
    manualEntry: (id, options) =>
      endingSessionsOfRevoked(
        ctx,
        () => service.manualEntry(id, options),
        (r) => r.tokenName,
      ),
    checkEntry: (id, options) => service.checkEntry(id, options),
    importPreview: (id, options) => service.importPreview(id, options),
    async importServers(id, options) {
      const result = await service.importServers(id, options);
      if (result.imported.length > 0) await ctx.runtime()?.serversChanged();
      return result;
    },
    printLink: (id, options) => service.printLink(id, options),
  };
}

/**
 * Waits for a change that revoked a client token (named by `revokedName`), then ends the sessions opened with
 * it at once, as `tokens.revoke` does. The token ids are read before the change: afterwards the row is gone.
 */
async function endingSessionsOfRevoked<T>(
  ctx: UseCaseContext,
  change: () => Promise<T>,
  revokedName: (result: T) => string | null | undefined,
): Promise<T> {
  const tokenIds = new Map(ctx.registry.tokens.list().map((t) => [t.name.toLowerCase(), t.id]));
  const result = await change();
  const name = revokedName(result);
  const revoked = name === null || name === undefined ? undefined : tokenIds.get(name.toLowerCase());
  if (revoked !== undefined) ctx.runtime()?.gateway.closeSessionsOf(String(revoked));
  return result;
}
