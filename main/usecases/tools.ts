import type { ToolCallResult } from '../../preload/contract/models.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { UseCaseContext } from './context.ts';

/** The client name the call log shows for calls made from Switchboard itself ("Try a tool", `tool call`). */
export const UI_CLIENT_NAME = 'switchboard-ui';

export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

export interface TryToolOptions {
  signal?: AbortSignal;
  onprogress?: (progress: ToolProgress) => void;
  /**
   * Names the call for `cancel(callId)` and for the `tools.progress` events the running hub emits while it
   * runs (how the window, which has no AbortSignal to hand over, follows and stops its call). Unique among
   * running calls; a second call under a running id is refused.
   */
  callId?: string;
}

/** Tool switches, and trying a tool. */
export interface ToolUseCases {
  /** Switches one tool on or off for every client; clients get list_changed. */
  setEnabled(prefix: string, tool: string, enabled: boolean): Promise<void>;
  /**
   * Calls a tool exactly as an AI client's tools/call would (same call log, outcome classes, timeouts), with
   * every secret value redacted from the result: the window must never see one, even one a tool echoes.
   */
  call(
    prefix: string,
    tool: string,
    args: Record<string, unknown>,
    options?: TryToolOptions,
  ): Promise<ToolCallResult>;
  /** Cancels the running call started with this `callId` (the upstream is told); false when none runs. */
  cancel(callId: string): boolean;
}

/** The tool use-cases over a context. */
export function toolUseCases(ctx: UseCaseContext): ToolUseCases {
  const { registry } = ctx;
  /** Calls started with a callId, until they settle. */
  const running = new Map<string, AbortController>();
  return {
    async setEnabled(prefix, tool, enabled) {
      registry.write(() => registry.toolSettings.setEnabled(registry.servers.get(prefix).id, tool, enabled));
      await ctx.runtime()?.serversChanged(prefix);
    },

    async call(prefix, tool, args, options = {}) {
      registry.servers.get(prefix);
      const runtime = ctx.runtime();
      if (!runtime) {
        throw new SwitchboardError('INTERNAL', 'trying a tool needs the hub running in this process');
      }
      const { callId } = options;
      if (callId !== undefined && running.has(callId)) {
        throw new SwitchboardError('CONFLICT', `a call named ${callId} is already running; use a new callId`);
      }
      const abort = new AbortController();
      const stop = () => abort.abort(options.signal?.reason);
      if (options.signal?.aborted) stop();
      else options.signal?.addEventListener('abort', stop, { once: true });
      if (callId !== undefined) running.set(callId, abort);
      const onprogress = (progress: ToolProgress) => {
        options.onprogress?.(progress);
        if (callId === undefined) return;
        runtime.emit('tools.progress', {
          callId,
          progress: progress.progress,
          total: progress.total,
          message: progress.message === undefined ? undefined : ctx.redactor.redact(progress.message),
        });
      };
      const started = ctx.clock.now();
      try {
        const result = await runtime.core.callTool({
          caller: { clientName: UI_CLIENT_NAME },
          prefix,
          tool,
          arguments: args,
          signal: abort.signal,
          onprogress,
        });
        const clean = redactDeep(result, (text) => ctx.redactor.redact(text)) as Record<string, unknown>;
        const structured = clean.structuredContent;
        return {
          isError: clean.isError === true,
          content: Array.isArray(clean.content)
            ? clean.content.filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
            : [],
          structuredContent:
            typeof structured === 'object' && structured !== null && !Array.isArray(structured)
              ? (structured as Record<string, unknown>)
              : undefined,
          durationMs: ctx.clock.now() - started,
          // Only said when it happened (the CLI's JSON output stays as it was for every other call).
          cancelled: abort.signal.aborted ? true : undefined,
        };
      } finally {
        options.signal?.removeEventListener('abort', stop);
        if (callId !== undefined) running.delete(callId);
      }
    },

    cancel(callId) {
      const abort = running.get(callId);
      if (!abort) return false;
      abort.abort(new SwitchboardError('UPSTREAM_ERROR', 'cancelled from Switchboard'));
      return true;
    },
  };
}

/** Every string inside `value` passed through `redact`. */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  }
  return value;
}
