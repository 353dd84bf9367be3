import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError, SseError } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import type { Trouble } from '../../../main/upstream/connection-trouble.ts';
import {
  cutBeforeAnswer,
  mayRepeat,
  transportSignal,
  troubleOfFailure,
} from '../../../main/upstream/connection-trouble.ts';
import { describe as describeError } from '../../../main/upstream/upstream-errors.ts';

const legacyHttp = { era: 'legacy', wire: 'streamable-http' } as const;
const modernHttp = { era: 'modern', wire: 'streamable-http' } as const;
const sse = { era: 'legacy', wire: 'sse' } as const;
const stdio = { era: 'legacy', wire: 'stdio' } as const;

const http = (status: number, text: string) =>
  new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, `Error POSTing to endpoint: ${text}`, {
    status,
    statusText: 'x',
    text,
  });
const sys = (code: string) => Object.assign(new Error(`${code} happened`), { code });
const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: sys(code) });
const noValidSession = http(
  400,
  '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID provided"},"id":null}',
);

describe('troubleOfFailure', () => {
  it.each<
    [
      string,
      unknown,
      { era: 'legacy' | 'modern'; wire: 'stdio' | 'streamable-http' | 'sse' },
      Trouble['kind'] | undefined,
    ]
  >([
    [
      '400 "No valid session ID" (server-everything, SDK examples)',
      noValidSession,
      legacyHttp,
      'session-rejected',
    ],
    ['404 on a sessionful exchange', http(404, 'Session not found'), legacyHttp, 'session-rejected'],
    ['400 about something else is the request’s own', http(400, 'Parse error'), legacyHttp, undefined],
    ['404 in the modern era (no sessions)', http(404, 'not here'), modernHttp, undefined],
    [
      'legacy SSE POST to a forgotten session',
      new Error('Error POSTing to endpoint (HTTP 404): unknown session'),
      sse,
      'session-rejected',
    ],
    ['connection refused: never reached', fetchFailed('ECONNREFUSED'), legacyHttp, 'unreachable'],
    [
      'refused, nested in an AggregateError',
      new TypeError('fetch failed', { cause: Object.assign(new AggregateError([sys('ECONNREFUSED')]), {}) }),
      legacyHttp,
      'unreachable',
    ],
    ['DNS failure', fetchFailed('ENOTFOUND'), modernHttp, 'unreachable'],
    ['a proxy answering 502 for a restarting server', http(502, 'Bad Gateway'), legacyHttp, 'unreachable'],
    ['connection reset mid-request: may have run', fetchFailed('ECONNRESET'), legacyHttp, 'dropped'],
    [
      'socket closed by the other side',
      new TypeError('terminated', { cause: sys('UND_ERR_SOCKET') }),
      legacyHttp,
      'dropped',
    ],
    [
      'the client closed under the request',
      new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'),
      legacyHttp,
      'dropped',
    ],
    [
      'the client was not connected: nothing sent',
      new SdkError(SdkErrorCode.NotConnected, 'Not connected'),
      sse,
      'not-delivered',
    ],
    ['plain "Not connected" from the SDK', new Error('Not connected'), legacyHttp, 'not-delivered'],
    ['write EPIPE on stdio: nothing arrived', sys('EPIPE'), stdio, 'not-delivered'],
    [
      'our transport refusing a dead process',
      new SwitchboardError('UPSTREAM_UNAVAILABLE', 'the server process is not running'),
      stdio,
      'not-delivered',
    ],
    [
      'a timeout is the request’s own',
      new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'),
      legacyHttp,
      undefined,
    ],
    ['the upstream’s JSON-RPC error', new ProtocolError(-32602, 'bad params'), legacyHttp, undefined],
    ['a refused sign-in', new SwitchboardError('NEEDS_AUTH', 'sign in'), legacyHttp, undefined],
    ['a 500', http(500, 'oops'), legacyHttp, undefined],
  ])('%s', (_name, error, era, expected) => {
    expect(troubleOfFailure(error, era)?.kind).toBe(expected);
  });
});

describe('mayRepeat', () => {
  it.each<[string, Trouble['kind'], boolean]>([
    ['tools/call', 'session-rejected', true],
    ['tools/call', 'unreachable', true],
    ['tools/call', 'not-delivered', true],
    ['tools/call', 'dropped', false],
    ['resources/read', 'dropped', true],
    ['tools/list', 'dropped', true],
    ['prompts/get', 'dropped', true],
    ['some/extension', 'dropped', false],
  ])('%s after %s → %s', (method, kind, expected) => {
    expect(mayRepeat(method, { kind, detail: '' })).toBe(expected);
  });
});

describe('transportSignal', () => {
  it.each<
    [
      string,
      unknown,
      { era: 'legacy' | 'modern'; wire: 'stdio' | 'streamable-http' | 'sse' },
      string | undefined,
    ]
  >([
    [
      'legacy SSE stream error: the session is gone',
      new SseError(undefined, 'terminated', new Event('error') as ErrorEvent),
      sse,
      'lost',
    ],
    [
      'legacy SSE POST refused',
      new Error('Error POSTing to endpoint (HTTP 404): unknown session'),
      sse,
      'lost',
    ],
    ['legacy SSE POST could not connect', fetchFailed('ECONNREFUSED'), sse, 'suspect'],
    [
      'GET stream re-open refused with 400 "No valid session ID"',
      http(400, 'Bad Request: No valid session ID provided'),
      legacyHttp,
      'lost',
    ],
    ['GET stream re-open 404', http(404, ''), legacyHttp, 'lost'],
    [
      'the SDK gave up re-opening its stream',
      new Error('Maximum reconnection attempts (2) exceeded.'),
      legacyHttp,
      'lost',
    ],
    ['a stream dropped', new Error('SSE stream disconnected: TypeError: terminated'), legacyHttp, 'suspect'],
    [
      'a stream re-open failed',
      new Error('Failed to reconnect SSE stream: fetch failed'),
      legacyHttp,
      'suspect',
    ],
    ['a network failure', fetchFailed('ECONNREFUSED'), legacyHttp, 'suspect'],
    ['nothing to do with the session', new Error('Unknown message type'), legacyHttp, undefined],
    ['stdio reports its trouble by exiting', sys('EPIPE'), stdio, undefined],
    ['modern era: 404 means no session trouble', http(404, ''), modernHttp, undefined],
  ])('%s', (_name, error, era, expected) => {
    expect(transportSignal(error, era)).toBe(expected);
  });
});

describe('cutBeforeAnswer', () => {
  it.each<[string, unknown, boolean]>([
    ['a kept-alive socket closed under us (node http: socket hang up)', fetchFailed('ECONNRESET'), true],
    ['undici: other side closed', fetchFailed('UND_ERR_SOCKET'), true],
    ['a write to a closed connection', fetchFailed('EPIPE'), true],
    [
      'the event source flattening that into text',
      new SseError(undefined, 'TypeError: fetch failed: socket hang up', new Event('error') as ErrorEvent),
      true,
    ],
    [
      'refused: nothing listens (not a cut: repeating would fail the same way)',
      fetchFailed('ECONNREFUSED'),
      false,
    ],
    [
      'refused, flattened by the event source',
      new SseError(
        undefined,
        'TypeError: fetch failed: connect ECONNREFUSED 127.0.0.1:9',
        new Event('error') as ErrorEvent,
      ),
      false,
    ],
    ['a name that does not resolve', fetchFailed('ENOTFOUND'), false],
    ['an answer (HTTP 500)', http(500, 'boom'), false],
    [
      'the event source meeting a status',
      new SseError(500, 'Non-200 status code (500)', new Event('error') as ErrorEvent),
      false,
    ],
    ['a timeout', new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'), false],
  ])('%s → %s', (_name, error, expected) => {
    expect(cutBeforeAnswer(error)).toBe(expected);
  });
});

describe('describe', () => {
  it('names a refused connection plainly and keeps other codes', () => {
    expect(describeError(fetchFailed('ECONNREFUSED'))).toBe('connection refused (ECONNREFUSED)');
    expect(describeError(fetchFailed('ECONNRESET'))).toBe('fetch failed (ECONNRESET)');
    expect(describeError(new Error('plain'))).toBe('plain');
  });
});
