import { ProtocolError } from '@modelcontextprotocol/client';
import { classifyFailure } from '../gateway/core/call-outcome.ts';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { CallLogEntry } from '../registry/call-log-repository.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** The client name the call log shows for calls made from Switchboard's own window ("Try tool"). */
export const UI_CLIENT_NAME = 'switchboard-ui';

/** tools.*: switch tools on and off, and try one from the window. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { registry, clock, redactor } = services.hub;

  const record = (entry: CallLogEntry) => {
    try {
      services.callLog.append([entry]);
      services.emit('activity.appended', { count: 1 });
    } catch (error) {
      services.hub.log.warn('could not record a call from the window', { error });
    }
  };

  return {
    'tools.setEnabled': async ({ prefix, tool, enabled }) => {
      registry.servers.get(prefix);
      services.toolSettings.setEnabled(prefix, tool, enabled);
      await services.serversChanged(prefix);
      return { done: true as const };
    },

    'tools.call': async ({ prefix, tool, arguments: args }) => {
      registry.servers.get(prefix);
      const at = clock.now();
      let result: Record<string, unknown>;
      try {
        result = await services.pool.request(prefix, {
          method: 'tools/call',
          params: { name: tool, arguments: args },
        });
      } catch (error) {
        const { outcome, errorCode } = classifyFailure(error, false);
        record({
          at,
          clientName: UI_CLIENT_NAME,
          server: prefix,
          tool,
          durationMs: clock.now() - at,
          outcome,
          errorCode,
        });
        if (error instanceof SwitchboardError) throw error;
        const message = errorMessage(error);
        throw new SwitchboardError(
          'UPSTREAM_ERROR',
          `${prefix} answered ${tool} with an error: ${message}`,
          error instanceof ProtocolError ? { details: { rpcCode: error.code } } : undefined,
        );
      }
      const durationMs = clock.now() - at;
      const isError = result.isError === true;
      record({
        at,
        clientName: UI_CLIENT_NAME,
        server: prefix,
        tool,
        durationMs,
        outcome: isError ? 'tool_error' : 'ok',
      });
      // The window must never see a secret value, even one a tool echoes back.
      const clean = redactDeep(result, (text) => redactor.redact(text)) as Record<string, unknown>;
      const content = Array.isArray(clean.content)
        ? clean.content.filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
        : [];
      const structured = clean.structuredContent;
      return {
        isError,
        content,
        ...(typeof structured === 'object' && structured !== null && !Array.isArray(structured)
          ? { structuredContent: structured as Record<string, unknown> }
          : {}),
        durationMs,
      };
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
