import { ProtocolError, SdkError, SdkErrorCode, SseError } from '@modelcontextprotocol/client';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { EraMemory } from '../registry/upstream-catalog-repository.ts';
import { describe, httpStatusOf, networkCode } from './upstream-errors.ts';

export { describe } from './upstream-errors.ts';

/**
 * Reading connection trouble: which failures mean the connection (not the request) is broken, whether the
 * request can have reached the server, and which transport errors mean the session is gone. Pure: errors in,
 * verdicts out.
 *
 * Why this matters: after an upstream restarts, an old session id gets 400 ("No valid session ID", what the
 * SDK's example servers and server-everything answer) or 404; a legacy SSE stream drops; a stdio pipe breaks.
 * Each must lead to a new session with a full initialize — and the request that met it may be repeated only
 * when it cannot have run (or is a read that is harmless to repeat).
 */

export type Trouble =
  /** The server refused our session id: it did not process the request. */
  | { kind: 'session-rejected'; detail: string }
  /** We could not reach the server at all: the request never left. */
  | { kind: 'unreachable'; detail: string }
  /** The request could not be written to the connection (broken pipe, closed client): it never arrived. */
  | { kind: 'not-delivered'; detail: string }
  /** The connection broke while the request was out: it may or may not have been handled. */
  | { kind: 'dropped'; detail: string };

/** Requests that are harmless to send twice (reads); a `tools/call` never is: a tool may have side effects. */
const REPEATABLE: ReadonlySet<string> = new Set([
  'ping',
  'tools/list',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'completion/complete',
  'logging/setLevel',
]);

/** Network error codes that mean no connection was made, so nothing was sent. */
const NEVER_CONNECTED: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Write errors of a pipe whose reader is gone. */
const BROKEN_PIPE: ReadonlySet<string> = new Set([
  'EPIPE',
  'ECONNRESET',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/** Network error codes of a connection that was cut (reset, closed under us) rather than refused. */
const CUT: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * True when connecting over HTTP failed because the connection was cut before any answer — a kept-alive
 * connection the server had closed that very moment, a proxy that dropped it — and not because the server
 * refused, is not there, or answered. Such a failure says nothing about the server: connecting again at once
 * on a new connection is safe (initialize changes nothing) and usually works.
 */
export function cutBeforeAnswer(error: unknown): boolean {
  const code = networkCode(error);
  if (code !== undefined) return CUT.has(code);
  // The old transport's event source flattens its fetch error into text ("fetch failed: socket hang up").
  return error instanceof SseError && /socket hang up|ECONNRESET|other side closed/.test(error.message);
}

/** True when a request that met `trouble` may be sent again on a new connection. */
export function mayRepeat(method: string, trouble: Trouble): boolean {
  return trouble.kind !== 'dropped' || REPEATABLE.has(method);
}

/**
 * The connection trouble a failed request reveals, or undefined when the failure is the request's own (the
 * upstream's JSON-RPC error, a timeout, a refused sign-in…).
 */
export function troubleOfFailure(error: unknown, era: Pick<EraMemory, 'era' | 'wire'>): Trouble | undefined {
  if (error instanceof ProtocolError) return undefined;
  if (error instanceof SwitchboardError) {
    // Our stdio transport's own refusal to write to a process that is gone.
    return error.code === 'UPSTREAM_UNAVAILABLE' && /not running/.test(error.message)
      ? { kind: 'not-delivered', detail: error.message }
      : undefined;
  }
  if (error instanceof SdkError) {
    if (error.code === SdkErrorCode.NotConnected) return { kind: 'not-delivered', detail: error.message };
    if (error.code === SdkErrorCode.ConnectionClosed) return { kind: 'dropped', detail: error.message };
    if (error.code === SdkErrorCode.RequestTimeout) return undefined;
  }
  // The SDK's "Not connected" for a request on a client whose transport is gone is a plain Error.
  if (error instanceof Error && error.message === 'Not connected')
    return { kind: 'not-delivered', detail: error.message };
  if (sessionRejected(error, era)) return { kind: 'session-rejected', detail: describe(error) };
  const status = httpStatusOf(error);
  // A gateway in front of the server answering for it: the server itself is down (often: restarting).
  if (status === 502 || status === 503 || status === 504)
    return { kind: 'unreachable', detail: describe(error) };
  const code = networkCode(error);
  if (code !== undefined) {
    if (BROKEN_PIPE.has(code) && era.wire === 'stdio')
      return { kind: 'not-delivered', detail: describe(error) };
    if (NEVER_CONNECTED.has(code)) return { kind: 'unreachable', detail: describe(error) };
    return { kind: 'dropped', detail: describe(error) };
  }
  if (isFetchFailure(error)) return { kind: 'dropped', detail: describe(error) };
  return undefined;
}

/** What an error the transport reports outside any request means for the connection. */
export type TransportSignal =
  /** The session is gone (or the stream that IS the session): reconnect now. */
  | 'lost'
  /** Something broke that may or may not matter (a stream dropped): check the session with a ping. */
  | 'suspect'
  | undefined;

/** Classifies an error handed to the client's `onerror` by its transport. */
export function transportSignal(error: unknown, era: Pick<EraMemory, 'era' | 'wire'>): TransportSignal {
  if (era.wire === 'stdio') return undefined;
  if (era.wire === 'sse') {
    // On the old HTTP+SSE transport the event stream is the session: once it breaks, the session is gone,
    // and the event source would otherwise reattach to a NEW server session we never initialized.
    if (error instanceof SseError) return 'lost';
    if (sessionRejected(error, era)) return 'lost';
    return networkCode(error) !== undefined || isFetchFailure(error) ? 'suspect' : undefined;
  }
  if (sessionRejected(error, era)) return 'lost';
  const message = errorMessage(error);
  // The SDK gave up re-opening its event stream: no more notifications would ever arrive on this session.
  if (/^Maximum reconnection attempts/.test(message)) return 'lost';
  if (/^SSE stream disconnected|^Failed to reconnect SSE stream/.test(message)) return 'suspect';
  if (networkCode(error) !== undefined || isFetchFailure(error)) return 'suspect';
  return undefined;
}

/**
 * True when the server refused our session: 404 on a sessionful (legacy) HTTP exchange, or 400 whose text
 * talks about the session. A 400 about anything else is the request's own problem.
 */
function sessionRejected(error: unknown, era: Pick<EraMemory, 'era' | 'wire'>): boolean {
  if (era.era !== 'legacy' || era.wire === 'stdio') return false;
  const status = httpStatusOf(error) ?? statusInMessage(error);
  if (status === 404) return true;
  return status === 400 && /session/i.test(`${errorMessage(error)} ${bodyText(error)}`);
}

function statusInMessage(error: unknown): number | undefined {
  // The legacy SSE transport reports a failed POST as a plain Error: "Error POSTing to endpoint (HTTP 404): …".
  const match = /\(HTTP (\d{3})\)/.exec(errorMessage(error));
  return match ? Number(match[1]) : undefined;
}

function bodyText(error: unknown): string {
  const text = (error as { data?: { text?: unknown } } | null)?.data?.text;
  return typeof text === 'string' ? text : '';
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed|terminated/i.test(error.message);
}
