import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** tools.*: switch tools on and off, and try one from the window (the same call path as a client's). */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { tools } = hub.useCases;
  return {
    'tools.setEnabled': async ({ prefix, tool, enabled }) => {
      await tools.setEnabled(prefix, tool, enabled);
      return { done: true as const };
    },
    'tools.call': ({ prefix, tool, arguments: args, callId }) => tools.call(prefix, tool, args, { callId }),
    'tools.cancel': ({ callId }) => ({ cancelled: tools.cancel(callId) }),
  };
}
