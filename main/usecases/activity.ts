import type { CallLogQuery, StoredCallLogEntry } from '../registry/call-log-repository.ts';
import type { UseCaseContext } from './context.ts';

/** The call log: who called which tool, how long it took, how it ended — never arguments or results. */
export interface ActivityUseCases {
  list(query?: CallLogQuery): StoredCallLogEntry[];
}

/** The activity use-cases over a context. */
export function activityUseCases(ctx: UseCaseContext): ActivityUseCases {
  return { list: (query) => ctx.registry.callLog.query(query) };
}
