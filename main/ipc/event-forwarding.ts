import { EVENT_NAMES, events, type EventName } from '../../preload/contract/events.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { Runtime } from '../hub-runtime.ts';

/** Receives each contract event, validated and stripped to the contract's payload shape. */
export type EventSink = (event: EventName, payload: unknown) => void;

/**
 * Forwards every contract event from the hub to a sink (a window's webContents, an SSE stream, the tray).
 * Payloads are parsed with the contract first, so nothing but declared fields ever leaves main.
 * Returns the function that stops forwarding.
 */
export function forwardEvents(
  services: Pick<Runtime, 'on'>,
  sink: EventSink,
  log: Logger = silentLogger,
): () => void {
  const offs = EVENT_NAMES.map((name) =>
    services.on(name, (payload: unknown) => {
      const parsed = events[name].safeParse(payload);
      if (!parsed.success) {
        log.error('dropped an event outside the contract', { event: name });
        return;
      }
      sink(name, parsed.data);
    }),
  );
  return () => {
    for (const off of offs) off();
  };
}
