import type { ClientService } from '../clients/client-service.ts';
import type { SettingKey, Settings } from '../registry/settings-repository.ts';
import { activityUseCases, type ActivityUseCases } from './activity.ts';
import { authUseCases, type AuthUseCases } from './auth.ts';
import { catalogUseCases, type CatalogUseCases } from './catalog.ts';
import { clientUseCases, type ClientUseCases } from './clients.ts';
import type { UseCaseContext } from './context.ts';
import { gatewayUseCases, type GatewayUseCases } from './gateway.ts';
import { healthUseCases, type HealthUseCases } from './health.ts';
import { profileUseCases, type ProfileUseCases } from './profiles.ts';
import { serverUseCases, type ServerUseCases } from './servers.ts';
import { settingUseCases, type SettingUseCases } from './settings.ts';
import { tokenUseCases, type TokenUseCases } from './tokens.ts';
import { toolApprovalUseCases, type ToolApprovalUseCases } from './tool-approval.ts';
import { toolUseCases, type ToolUseCases } from './tools.ts';
import { transferUseCases, type TransferUseCases } from './transfer.ts';
import { variableUseCases, type VariableUseCases } from './variables.ts';
import { vaultUseCases, type VaultUseCases } from './vault.ts';

/**
 * The application layer: every thing a person can do, written once. The Electron IPC handlers, the web
 * routes, the CLI commands and the tray only translate their input and output to and from these, so the
 * window and the CLI cannot disagree about what "remove a server" means.
 */
export interface UseCases {
  servers: ServerUseCases;
  variables: VariableUseCases;
  tools: ToolUseCases;
  /** Pinned tool definitions: pending changes, approvals, per-server policies (issue 14). */
  pins: ToolApprovalUseCases;
  auth: AuthUseCases;
  clients: ClientUseCases;
  tokens: TokenUseCases;
  settings: SettingUseCases;
  gateway: GatewayUseCases;
  transfer: TransferUseCases;
  catalog: CatalogUseCases;
  vault: VaultUseCases;
  health: HealthUseCases;
  activity: ActivityUseCases;
  /** Profiles and tool search mode, and which client uses which (issue 13). */
  profiles: ProfileUseCases;
}

export interface UseCaseOptions {
  dataDir: string;
  clients: ClientService;
  /** Applies what only a shell can (the desktop's login item) after settings changed. */
  onSettingsChange?: (changed: readonly SettingKey[], after: Settings) => void;
}

/** Builds the application layer over a context. */
export function createUseCases(ctx: UseCaseContext, options: UseCaseOptions): UseCases {
  const gateway = gatewayUseCases(ctx, options.dataDir);
  return {
    servers: serverUseCases(ctx),
    variables: variableUseCases(ctx),
    tools: toolUseCases(ctx),
    pins: toolApprovalUseCases(ctx),
    auth: authUseCases(ctx),
    clients: clientUseCases(ctx, options.clients),
    tokens: tokenUseCases(ctx),
    settings: settingUseCases(ctx, options.onSettingsChange),
    gateway,
    transfer: transferUseCases(ctx),
    catalog: catalogUseCases(),
    vault: vaultUseCases(ctx),
    health: healthUseCases(ctx, () => gateway.status().state !== 'stopped'),
    activity: activityUseCases(ctx),
    profiles: profileUseCases(ctx),
  };
}

export type { HubRuntime, UseCaseContext } from './context.ts';
