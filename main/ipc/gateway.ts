import { SwitchboardError } from '../lib/errors.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** gateway.*: the MCP endpoint's state, and pausing it. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  return {
    'gateway.status': () => services.gatewayStatus(),
    'gateway.setPaused': async ({ paused }) => {
      // The web UI is served BY the gateway: pausing it from there would cut the page off from its own server.
      if (paused && deps.mode === 'web') {
        throw new SwitchboardError(
          'CONFLICT',
          'The web UI runs on the gateway itself, so it cannot pause it; stop `switchboard serve` instead',
        );
      }
      await services.setGatewayPaused(paused);
      return services.gatewayStatus();
    },
  };
}
