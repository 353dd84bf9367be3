import type { z } from 'zod';
import type { CommandName, CommandOutput, Commands } from '../../preload/contract/commands.ts';
import type { Hub } from '../hub.ts';

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

/**
 * Everything the contract handlers need; both shells (Electron, web mode) build one of these. The handlers
 * only translate between the contract and the hub's use-cases: they decide nothing themselves.
 */
export interface IpcDeps {
  hub: Hub;
  /** Which shell answers: the desktop app or `switchboard serve --ui`. */
  mode: 'desktop' | 'web';
  /** The app's version, for `app.info`. */
  version: string;
}
