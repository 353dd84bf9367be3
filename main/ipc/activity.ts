import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** activity.*: the call log (never arguments or results), newest first. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  return {
    'activity.list': ({ server, outcome, since, limit }) =>
      services.callLog
        .query({
          ...(server === undefined ? {} : { server }),
          ...(outcome === undefined ? {} : { outcome }),
          ...(since === undefined ? {} : { since }),
          limit: limit ?? 100,
        })
        .map((row) => ({
          id: row.id,
          at: row.at,
          clientName: row.clientName,
          server: row.server,
          tool: row.tool,
          durationMs: row.durationMs,
          outcome: row.outcome,
          errorCode: row.errorCode ?? null,
        })),
  };
}
