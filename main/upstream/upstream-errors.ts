import {
  InsufficientScopeError,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';

/**
 * Reading what went wrong talking to an upstream. The SDK reports transport and timeout trouble as SdkError
 * (local, with a code), HTTP status as SdkHttpError, and the upstream's own JSON-RPC errors as ProtocolError;
 * the pool turns the first two into SwitchboardErrors a person can act on and passes protocol errors through.
 */

/** HTTP status of an SDK HTTP error, else undefined. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof SdkHttpError) return error.status;
  const status = (error as { status?: unknown; data?: { status?: unknown } } | null)?.data?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The system error code of a network failure (undici nests it in `cause`, sometimes twice). */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+|ERR_STREAM_[A-Z_]+)$/.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A short description for logs and messages: the message plus the network code when there is one. */
export function describe(error: unknown): string {
  const code = networkCode(error);
  const message = errorMessage(error);
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

/** True when a Streamable HTTP connect failed in the way a legacy HTTP+SSE (2024-11-05) server fails it. */
export function suggestsLegacySse(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === 400 || status === 404 || status === 405;
}

/** True for the SDK's timeout/abort error (the two share a code; the caller tells them apart by its signal). */
export function isSdkTimeout(error: unknown): boolean {
  return error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout;
}

/** True when the request failed because the connection to the upstream closed (crash, stop). */
export function isConnectionClosed(error: unknown): boolean {
  return (
    error instanceof SdkError &&
    (error.code === SdkErrorCode.ConnectionClosed || error.code === SdkErrorCode.NotConnected)
  );
}

/** True for a JSON-RPC error answered by the upstream itself. */
export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}

/**
 * The scope an upstream's 403 `insufficient_scope` challenge asked for, when `error` (or one of its causes)
 * is the SDK's InsufficientScopeError; undefined for every other error. `found` tells "no scope named" apart.
 */
export function insufficientScopeOf(error: unknown): { found: true; requiredScope?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof InsufficientScopeError) {
      const scope = current.requiredScope === undefined ? undefined : cleanScope(current.requiredScope);
      return scope === undefined ? { found: true } : { found: true, requiredScope: scope };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A scope from a challenge header is untrusted text: printable, space-separated tokens, bounded. */
function cleanScope(scope: string): string | undefined {
  const cleaned = scope
    .replace(/[^\x21-\x7e ]/g, '')
    .trim()
    .slice(0, 300);
  return cleaned === '' ? undefined : cleaned;
}

/** Converts a failure to connect into a SwitchboardError naming the server and, where we can, the fix. */
export function connectError(prefix: string, error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const scope = insufficientScopeOf(error);
  if (scope) {
    const wanted = scope.requiredScope === undefined ? '' : ` (it asks for scope "${scope.requiredScope}")`;
    const flag = scope.requiredScope === undefined ? '' : ` --scope "${scope.requiredScope}"`;
    return new SwitchboardError(
      'NEEDS_AUTH',
      `${prefix} needs more permission than its sign-in grants${wanted}: connect it again in Switchboard ` +
        `or run \`switchboard auth connect ${prefix}${flag}\``,
      {
        cause: error,
        details: { prefix, insufficientScope: true, requiredScope: scope.requiredScope ?? null },
      },
    );
  }
  if (error instanceof UnauthorizedError) {
    return new SwitchboardError(
      'NEEDS_AUTH',
      `${prefix} needs you to sign in (HTTP 401): connect it in Switchboard or run \`switchboard auth connect ${prefix}\``,
      { cause: error, details: { prefix } },
    );
  }
  const status = httpStatusOf(error);
  const message = errorMessage(error);
  if (status === 401 || (error instanceof SdkError && error.code === SdkErrorCode.ClientHttpAuthentication)) {
    return new SwitchboardError(
      'NEEDS_AUTH',
      `${prefix} refused our credentials (HTTP 401): connect it again in Switchboard ` +
        `(or run \`switchboard auth connect ${prefix}\`)`,
      {
        cause: error,
      },
    );
  }
  if (status === 403 || (error instanceof SdkError && error.code === SdkErrorCode.ClientHttpForbidden)) {
    return new SwitchboardError(
      'NEEDS_AUTH',
      `${prefix} denied access (HTTP 403): check the credentials or scopes it was given`,
      {
        cause: error,
      },
    );
  }
  if (isSdkTimeout(error)) {
    return new SwitchboardError('UPSTREAM_TIMEOUT', `${prefix} did not answer while connecting: ${message}`, {
      cause: error,
    });
  }
  return new SwitchboardError(
    'UPSTREAM_UNAVAILABLE',
    `${prefix} could not be started or reached: ${describe(error)}`,
    {
      cause: error,
    },
  );
}

/** The error of a request the caller cancelled (the details let the call log tell it apart). */
export function cancelledError(prefix: string): SwitchboardError {
  return new SwitchboardError('UPSTREAM_ERROR', `the request to ${prefix} was cancelled`, {
    details: { cancelled: true },
  });
}

export interface RequestFailureContext {
  /** True when the caller's signal fired (then the failure is a cancellation, whatever the SDK says). */
  aborted: boolean;
  timeoutMs: number;
  /** How the stdio process ended, when it did. */
  lastExit?: { code: number | null; signal: string | null };
  redact(text: string): string;
}

/**
 * Converts a failed request into what the caller should see: a cancellation, a timeout, "the server stopped
 * while handling it" (crash), the upstream's own JSON-RPC error unchanged, or a generic upstream error.
 */
export function requestFailure(prefix: string, error: unknown, context: RequestFailureContext): unknown {
  if (context.aborted) return cancelledError(prefix);
  if (isProtocolError(error)) return redactedProtocolError(error, context.redact);
  if (error instanceof SwitchboardError) return error;
  if (isSdkTimeout(error)) {
    return new SwitchboardError(
      'UPSTREAM_TIMEOUT',
      `${prefix} did not answer within ${Math.round(context.timeoutMs / 1000)}s (or exceeded the total time limit); ` +
        'the request was cancelled',
      { cause: error },
    );
  }
  if (isConnectionClosed(error)) {
    const exit = context.lastExit;
    const how = exit ? (exit.signal ? ` (killed by ${exit.signal})` : ` (exit code ${exit.code})`) : '';
    return new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `${prefix} stopped while handling the request${how}, so it may or may not have run; it will be restarted`,
      {
        cause: error,
      },
    );
  }
  const converted = connectError(prefix, error);
  if (converted.code !== 'UPSTREAM_UNAVAILABLE') return converted;
  const message = errorMessage(error);
  return new SwitchboardError('UPSTREAM_ERROR', `${prefix} failed: ${context.redact(message)}`, {
    cause: error,
  });
}

/**
 * The upstream's own JSON-RPC error, unchanged unless its message or data carries a secret value the hub
 * gave that server (a careless server echoing its API key in an error): then with those values redacted.
 * Errors are logged and shown in places results are not, so they get the same treatment as logs.
 */
export function redactedProtocolError(error: ProtocolError, redact: (text: string) => string): ProtocolError {
  const message = redact(error.message);
  const data = error.data === undefined ? undefined : JSON.stringify(error.data);
  const cleanData = data === undefined ? undefined : redact(data);
  if (message === error.message && cleanData === data) return error;
  let parsedData: unknown;
  try {
    parsedData = cleanData === undefined ? undefined : JSON.parse(cleanData);
  } catch {
    parsedData = cleanData;
  }
  return new ProtocolError(error.code, message, parsedData);
}
