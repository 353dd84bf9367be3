import type { CallToolResult } from '@modelcontextprotocol/client';
import { ProtocolError } from '@modelcontextprotocol/client';
import { SwitchboardError, errorMessage } from '../../lib/errors.ts';
import type { CallOutcome } from '../../registry/call-log-repository.ts';

/**
 * How a failed tools/call is reported. Tool failures are results with `isError: true` (the model reads them and
 * can tell the person what to do), never protocol errors; the text names the server and the fix. The same
 * classification feeds the call log's outcome and error code.
 */

/** The call-log outcome and error code of a failure. */
export function classifyFailure(
  error: unknown,
  cancelled: boolean,
): { outcome: CallOutcome; errorCode: string } {
  if (
    cancelled ||
    (error instanceof SwitchboardError && (error.details as { cancelled?: boolean } | undefined)?.cancelled)
  ) {
    return { outcome: 'cancelled', errorCode: 'CANCELLED' };
  }
  if (error instanceof SwitchboardError) {
    if (error.code === 'UPSTREAM_TIMEOUT') return { outcome: 'timeout', errorCode: error.code };
    if (error.code === 'NEEDS_CONFIG') return { outcome: 'needs_config', errorCode: error.code };
    if (error.code === 'UPSTREAM_UNAVAILABLE' || error.code === 'NEEDS_AUTH')
      return { outcome: 'unavailable', errorCode: error.code };
    return { outcome: 'error', errorCode: error.code };
  }
  if (error instanceof ProtocolError) return { outcome: 'error', errorCode: `JSONRPC_${error.code}` };
  return { outcome: 'error', errorCode: 'INTERNAL' };
}

/** The `isError` result a client gets for a failed call of `tool` on `prefix`. */
export function toolErrorResult(
  prefix: string,
  tool: string,
  error: unknown,
  cancelled: boolean,
): CallToolResult {
  return { content: [{ type: 'text', text: toolErrorText(prefix, tool, error, cancelled) }], isError: true };
}

/** The message of a failed call, written for a person (and the model relaying it). */
export function toolErrorText(prefix: string, tool: string, error: unknown, cancelled: boolean): string {
  if (cancelled) return `The call to ${tool} on ${prefix} was cancelled.`;
  if (error instanceof SwitchboardError) {
    switch (error.code) {
      case 'NEEDS_CONFIG':
        return `${error.message}.`;
      case 'NEEDS_AUTH':
        return `${error.message} (Switchboard shows a Connect button for ${prefix}).`;
      case 'UPSTREAM_TIMEOUT':
        return `${error.message}. The server may be overloaded or stuck; try again, or restart ${prefix} in Switchboard.`;
      case 'UPSTREAM_UNAVAILABLE':
        return `${error.message}. Check ${prefix}'s status and logs in Switchboard.`;
      default:
        return error.message;
    }
  }
  if (error instanceof ProtocolError) return `${prefix} rejected the call to ${tool}: ${error.message}`;
  return `Calling ${tool} on ${prefix} failed: ${errorMessage(error)}`;
}
