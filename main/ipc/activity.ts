import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** activity.*: the call log (never arguments or results), newest first. */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  return {
    'activity.list': ({ server, outcome, since, limit }) =>
      hub.useCases.activity.list({ server, outcome, since, limit }).map((row) => ({
        id: row.id,
        at: row.at,
        clientName: row.clientName,
        server: row.server,
        tool: row.tool,
        durationMs: row.durationMs,
        outcome: row.outcome,
        errorCode: row.errorCode ?? null,
        findings: row.findings && row.findings.map((f) => ({ kind: f.kind, count: f.count })),
      })),
  };
}
