import type { CommandInput, CommandName, CommandOutput } from './commands.ts';
import type { Result } from './errors.ts';
import type { EventName, EventPayload } from './events.ts';

export * from './commands.ts';
export * from './events.ts';
export * from './errors.ts';
export * from './models.ts';
export * from './server-definition.ts';

/**
 * What the window gets: `window.switchboard` on the desktop (preload), an HTTP + SSE client in web mode.
 * Never throws across the boundary: failures come back as `{ ok: false, error: { code, message } }`.
 */
export interface SwitchboardBridge {
  invoke<N extends CommandName>(name: N, input: CommandInput<N>): Promise<Result<CommandOutput<N>>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The single IPC channel names, shared by preload and main. */
export const IPC_INVOKE_CHANNEL = 'switchboard:invoke';
export const IPC_EVENT_CHANNEL = 'switchboard:event';
