import type { GatewayCore } from './gateway/gateway-core.ts';

/**
 * The gateway core, built the first time anything needs it rather than before the hub listens
 * (docs/decisions/cold-start.md). Building it reads and checks every cached catalog (the pinned tool
 * definitions hash each tool), the profiles and the vault's secrets for the leak guard: with 50 servers that was
 * the largest part of `serve`'s start. The runtime builds it right after the front listens; a request that comes
 * first builds it itself, synchronously, so it is answered exactly as before — nothing is ever served from a
 * half-built core.
 */
export interface DeferredCore extends GatewayCore {
  /** Builds the core unless it is built, and returns it. Throws what building throws (and tries again next time). */
  ready(): GatewayCore;
  /** The core, once built. */
  current(): GatewayCore | undefined;
}

export function deferredCore(build: () => GatewayCore): DeferredCore {
  let core: GatewayCore | undefined;
  let closed = false;
  // The front subscribes while it starts, before the core exists: handed over when it is built.
  const early = new Set<{ listener: Parameters<GatewayCore['onListChanged']>[0]; off?: () => void }>();

  const ready = (): GatewayCore => {
    if (core) return core;
    if (closed) throw new Error('the gateway core was used after the hub closed it');
    const built = build();
    core = built;
    for (const entry of early) entry.off = built.onListChanged(entry.listener);
    return built;
  };

  return {
    ready,
    current: () => core,
    createServer: (scope, era) => ready().createServer(scope, era),
    legacyToolsListResult: (scope) => ready().legacyToolsListResult?.(scope),
    legacyToolCall: (server) => ready().legacyToolCall?.(server),
    callTool: async (request) => ready().callTool(request),
    hasServer: (prefix) => ready().hasServer(prefix),
    onListChanged(listener) {
      if (core) return core.onListChanged(listener);
      const entry: { listener: typeof listener; off?: () => void } = { listener };
      early.add(entry);
      return () => {
        early.delete(entry);
        entry.off?.();
      };
    },
    async close() {
      closed = true;
      early.clear();
      await core?.close();
    },
  };
}
