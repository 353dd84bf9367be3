import type { z } from 'zod';
import type { CommandName, CommandOutput, Commands } from '../../preload/contract/commands.ts';
import type { BridgeLaunchCommand } from '../bridge/launch-command.ts';
import type { ConfigPathContext } from '../clients/client-adapter.ts';
import type { HubServices } from '../services.ts';

/** A command's input after the contract parsed it (defaults applied, unknown keys refused). */
export type ParsedInput<N extends CommandName> = z.output<Commands[N]['input']>;

/** Runs one command; may throw a SwitchboardError, which the dispatcher turns into an error Result. */
export type CommandHandler<N extends CommandName> = (
  input: ParsedInput<N>,
) => CommandOutput<N> | Promise<CommandOutput<N>>;

/** Every command's handler, by name. */
export type HandlerTable = { [N in CommandName]: CommandHandler<N> };

/** What one domain file contributes. */
export type PartialHandlerTable = Partial<HandlerTable>;

/** Everything the contract handlers need; both shells (Electron, web mode) build one of these. */
export interface IpcDeps {
  services: HubServices;
  /** Which shell answers: the desktop app or `switchboard serve --ui`. */
  mode: 'desktop' | 'web';
  /** The app's version, for `app.info`. */
  version: string;
  /** Where AI clients' config files are looked for (the real home and environment, or a temp dir in tests). */
  clientContext: Omit<ConfigPathContext, 'projectDir'>;
  /** The stdio bridge entry for clients that cannot speak HTTP (Claude Desktop). */
  bridgeCommand(): BridgeLaunchCommand;
  /** Desktop only: registers or removes the OS login item when `launchAtLogin` changes. */
  setLaunchAtLogin?(enabled: boolean): void;
  /** Clock for client-file backups (tests pass a fixed one). */
  now?: () => Date;
}
