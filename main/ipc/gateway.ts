import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** gateway.*: the MCP endpoint's state, and pausing it (the web UI keeps working while paused). */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { gateway } = hub.useCases;
  return {
    'gateway.status': () => gateway.status(),
    'gateway.setPaused': ({ paused }) => gateway.setPaused(paused),
  };
}
