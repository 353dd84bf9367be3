import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { SwitchboardError } from '../lib/errors.ts';

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

/** True when a Streamable HTTP connect failed in the way a legacy HTTP+SSE (2024-11-05) server fails it. */
export function suggestsLegacySse(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === 400 || status === 404 || status === 405;
}

/** True when a legacy Streamable HTTP request failed because the server forgot our session (404). */
export function isSessionGone(error: unknown): boolean {
  return httpStatusOf(error) === 404;
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

/** Converts a failure to connect into a SwitchboardError naming the server and, where we can, the fix. */
export function connectError(prefix: string, error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401 || (error instanceof SdkError && error.code === SdkErrorCode.ClientHttpAuthentication)) {
    return new SwitchboardError(
      'NEEDS_AUTH',
      `${prefix} refused our credentials (HTTP 401): connect it again in Switchboard`,
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
    `${prefix} could not be started or reached: ${message}`,
    { cause: error },
  );
}
