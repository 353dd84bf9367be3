import type { GatewayStatus } from '../../preload/contract/models.ts';
import { gatewayInfoPath, readGatewayInfo } from '../gateway/http/gateway-info-file.ts';
import type { UseCaseContext } from './context.ts';

/** The gateway as people steer it: running, paused or stopped, and pause / resume. */
export interface GatewayUseCases {
  status(): GatewayStatus;
  /**
   * Pauses or resumes tool access for every client. The choice is a setting, so it works from any process:
   * the hub running here applies it at once, a hub in another process within a moment.
   */
  setPaused(paused: boolean): Promise<GatewayStatus>;
}

/** The gateway use-cases over a context; `dataDir` locates `gateway.json` of a hub in another process. */
export function gatewayUseCases(
  ctx: UseCaseContext,
  dataDir: string,
  isAlive: (pid: number) => boolean = processIsAlive,
): GatewayUseCases {
  const { settings } = ctx.registry;
  const status = (): GatewayStatus => {
    const live = ctx.runtime()?.gateway.status();
    if (live) return live;
    const configuredPort = settings.get('gateway.port');
    const info = readGatewayInfo(gatewayInfoPath(dataDir));
    const running = info !== undefined && isAlive(info.pid);
    const port = running ? info.port : configuredPort;
    return {
      state: !running ? 'stopped' : settings.get('gateway.paused') ? 'paused' : 'running',
      url: `http://127.0.0.1:${port}/mcp`,
      port,
      configuredPort,
      sessions: null,
    };
  };
  return {
    status,
    async setPaused(paused) {
      ctx.registry.write(() => settings.set('gateway.paused', paused));
      await ctx.runtime()?.gateway.applyPaused(paused);
      return status();
    },
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: alive but another user's — a reused pid, not our hub: the file is stale.
    return false;
  }
}
