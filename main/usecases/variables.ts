import type { SetVariableOptions, VariableState } from '../env/server-secrets.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { UseCaseContext } from './context.ts';

/** A variable as the window shows it: a plain (non-secret) one with the value the person set. */
export type VariableView = VariableState & { value?: string };

/** A server's variables: values go in (secrets to the vault), only `isSet` ever comes out of a secret. */
export interface VariableUseCases {
  /** Declared variables and whether each is set (never a value: what `var list` / `secret list` print). */
  list(prefix: string): VariableState[];
  /**
   * The same, with the values of PLAIN variables (people must be able to see what they set: a region, a
   * path). A secret's value never appears; a plain value that happens to contain a secret is redacted.
   */
  views(prefix: string): VariableView[];
  /** Stores a value; the running hub restarts only that server with it. */
  set(
    prefix: string,
    name: string,
    value: string,
    options?: SetVariableOptions,
  ): Promise<{ state: VariableState; declared: boolean }>;
  unset(prefix: string, name: string): Promise<boolean>;
  clear(prefix: string): Promise<number>;
}

/** The variable use-cases over a context. */
export function variableUseCases(ctx: UseCaseContext): VariableUseCases {
  const { variables } = ctx;
  const changed = async (prefix: string) => {
    await ctx.runtime()?.serversChanged(prefix);
  };
  return {
    list: (prefix) => variables.list(prefix),

    views: (prefix) => variableViews(ctx, prefix),

    async set(prefix, name, value, options) {
      const { declared } = variables.set(prefix, name, value, options);
      await changed(prefix);
      const state = variables.list(prefix).find((v) => v.name === name);
      if (!state) throw new SwitchboardError('INTERNAL', `variable ${name} vanished after it was set`);
      return { state, declared };
    },

    async unset(prefix, name) {
      const removed = variables.unset(prefix, name);
      await changed(prefix);
      return removed;
    },

    async clear(prefix) {
      const removed = variables.clear(prefix);
      await changed(prefix);
      return removed;
    },
  };
}

/** See VariableUseCases.views. */
export function variableViews(ctx: UseCaseContext, prefix: string): VariableView[] {
  const states = ctx.variables.list(prefix);
  const plain = states.some((v) => !v.secret && v.isSet) ? ctx.registry.servers.listEnvValues(prefix) : {};
  return states.map((state) => {
    const value = state.secret ? undefined : plain[state.name];
    return value === undefined ? state : { ...state, value: ctx.redactor.redact(value) };
  });
}
