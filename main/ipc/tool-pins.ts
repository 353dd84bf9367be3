import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** tools.pending / approve / policies: pinned tool definitions and the guards' policies (issue 14). */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { pins } = hub.useCases;
  return {
    'tools.pending': ({ prefix }) => pins.pending(prefix),
    'tools.approve': async ({ prefix, tools, all }) => ({
      approved: await pins.approve(prefix, all === true ? 'all' : (tools ?? [])),
    }),
    'tools.policies': ({ prefix }) => pins.policies(prefix),
    'tools.setPolicies': async ({ prefix, toolChanges, leakGuard }) => {
      await pins.setPolicies(prefix, { toolChanges, leakGuard });
      return pins.policies(prefix);
    },
  };
}
