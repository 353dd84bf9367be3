import type { EventName, EventPayload } from '../../preload/contract/events.ts';
import type { GatewayStatus } from '../../preload/contract/models.ts';
import type { ServerVariables } from '../env/server-secrets.ts';
import type { GatewayCore, ToolCallRequest } from '../gateway/gateway-core.ts';
import type { HealthMonitor } from '../health/health-monitor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { OAuthManager } from '../oauth/oauth-manager.ts';
import type { Registry } from '../registry/index.ts';
import type { UpstreamPool } from '../upstream/upstream-pool.ts';
import type { Vault } from '../vault/vault.ts';

/** The events main emits to the window and the tray (the contract's events). */
export type HubEvents = { [E in EventName]: (payload: EventPayload<E>) => void };

/**
 * The long-running part of a hub (the desktop app, `switchboard serve`): what use-cases reach for beyond the
 * registry and the vault. A one-shot CLI command has none; a running hub in ANOTHER process notices the
 * CLI's commits by itself (main/registry/change-watcher.ts).
 */
export interface HubRuntime {
  pool: Pick<UpstreamPool, 'status' | 'stderr' | 'restart'>;
  health: Pick<HealthMonitor, 'status' | 'checkNow'>;
  core: Pick<GatewayCore, 'callTool'>;
  oauth: OAuthManager;
  gateway: GatewayControl;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /**
   * After any change to servers, their variables, tool switches or credentials: reconciles the pool
   * (restarting only what changed), tells the window, and re-checks health of `prefix` at once.
   */
  serversChanged(prefix?: string): Promise<void>;
}

/** The gateway's front as the use-cases steer it. */
export interface GatewayControl {
  status(): GatewayStatus;
  /** Applies the `gateway.paused` setting (paused: every MCP request is refused, open sessions end). */
  applyPaused(paused: boolean): Promise<void>;
  /** Ends every session and stream opened with this client token (it was revoked). */
  closeSessionsOf(tokenId: string): void;
}

/** What every use-case is written against. */
export interface UseCaseContext {
  registry: Registry;
  vault: Vault;
  variables: ServerVariables;
  redactor: Redactor;
  clock: Clock;
  log: Logger;
  /** The running hub of THIS process, or undefined (a one-shot CLI command). */
  runtime(): HubRuntime | undefined;
  /**
   * The OAuth manager: the runtime's, or one made on demand for a one-shot command (loaded lazily: it pulls in
   * the MCP SDK, which `server list` and friends must not pay for).
   */
  oauth(): Promise<OAuthManager>;
}

export type { ToolCallRequest };
