import type { Logger } from './logger.ts';

/** A typed set of listeners per event; a throwing listener is logged and never breaks the emitter. */
export interface Listeners<E extends { [K in keyof E]: (...args: never[]) => void }> {
  on<K extends keyof E>(event: K, listener: E[K]): () => void;
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void;
}

/** Creates an empty listener registry. */
export function createListeners<E extends { [K in keyof E]: (...args: never[]) => void }>(
  log: Logger,
): Listeners<E> {
  const byEvent = new Map<keyof E, Set<(...args: never[]) => void>>();
  return {
    on(event, listener) {
      let set = byEvent.get(event);
      if (!set) byEvent.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(event, ...args) {
      for (const listener of [...(byEvent.get(event) ?? [])]) {
        try {
          (listener as (...a: Parameters<E[typeof event]>) => void)(...args);
        } catch (error) {
          log.error('event listener failed', { event: String(event), error });
        }
      }
    },
  };
}
