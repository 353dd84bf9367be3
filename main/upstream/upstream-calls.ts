import type { Progress } from '@modelcontextprotocol/client';
import { ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { followAbort } from '../lib/abort.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { Trouble } from './connection-trouble.ts';
import { capabilityFor } from './caller-routing.ts';
import { mayRepeat, troubleOfFailure } from './connection-trouble.ts';
import { runWithInputRounds } from './input-required.ts';
import { needsConfigError } from './needs-config.ts';
import { PASS_THROUGH_RESULT, PASSED_THROUGH } from './pass-through-result.ts';
import type { LiveConnection, PoolCall, PoolEntry } from './pool-entry.ts';
import type { Runner } from './upstream-runner.ts';
import { troubleReason } from './upstream-runner.ts';
import { cancelledError, insufficientScopeOf, requestFailure } from './upstream-errors.ts';
import type { UpstreamCaller } from './upstream-types.ts';

/**
 * One request through the pool: get a live connection (starting the upstream when needed), send, and when the
 * connection turns out to be broken give it up (a new session is opened at once) and send again ONCE — but
 * only when the request cannot have run, or is a read that is harmless to repeat. A tool call that may have run
 * is never silently repeated: it fails saying so. Modern-era calls answer their `input_required` rounds here,
 * through the call's own caller.
 */

export interface RequestOptions {
  caller?: UpstreamCaller;
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
  timeoutMs?: number;
  maxTotalTimeoutMs?: number;
}

export interface CallsDeps {
  runner: Runner;
  log: Logger;
  redactor: Redactor;
  now(): number;
  requestTimeoutMs: number;
  maxTotalTimeoutMs: number;
  /** A call arriving while a stdio server waits to restart waits when the restart is at most this far. */
  backoffWaitMs: number;
  onInsufficientScope?: (entry: PoolEntry, requiredScope: string | undefined) => void;
}

export interface Calls {
  request(
    entry: PoolEntry,
    request: { method: string; params?: Record<string, unknown> },
    options?: RequestOptions,
  ): Promise<Record<string, unknown>>;
  /** The live connection of the entry, starting it when needed (what a call waits for). */
  acquire(entry: PoolEntry, signal: AbortSignal | undefined): Promise<LiveConnection>;
  /** Ends call `callId` now: its answer can no longer arrive. */
  answerLost(entry: PoolEntry, callId: number): void;
}

/** Creates the request path. */
export function createCalls(deps: CallsDeps): Calls {
  const { runner, log } = deps;
  let callSeq = 0;

  const acquire: Calls['acquire'] = async (entry, signal) => {
    const prefix = entry.model.prefix;
    for (let round = 0; round < 3; round++) {
      if (signal?.aborted) throw cancelledError(prefix);
      const model = entry.model;
      switch (model.state) {
        case 'ready':
          if (entry.conn) return entry.conn;
          return runner.ensureStarted(entry);
        case 'disabled':
          throw new SwitchboardError(
            'UPSTREAM_UNAVAILABLE',
            `${prefix} is disabled: enable it in Switchboard to use it`,
          );
        case 'needs_config':
          throw needsConfigError(entry.server, model.missing ?? []);
        case 'backoff': {
          // Reaching a remote server again costs one request, so a call tries at once: when the server is back,
          // the call should not wait for the backoff timer. A stdio server costs a process; it waits its turn.
          if (entry.server.transport !== 'stdio') return runner.ensureStarted(entry);
          const wait = (model.nextRetryAt ?? 0) - deps.now();
          if (wait > deps.backoffWaitMs) {
            throw new SwitchboardError(
              'UPSTREAM_UNAVAILABLE',
              `${prefix} is restarting after a failure (next attempt in ${Math.ceil(wait / 1000)}s)` +
                (model.lastError ? `: ${model.lastError.message}` : ''),
            );
          }
          await abortableDelay(Math.max(wait, 0) + 10, signal, prefix);
          if (entry.model.state === 'backoff') return runner.ensureStarted(entry);
          continue;
        }
        default:
          // stopped, failed (a call is a reason to try again), starting.
          return runner.ensureStarted(entry);
      }
    }
    throw new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `${prefix} could not be started${entry.model.lastError ? `: ${entry.model.lastError.message}` : ''}`,
    );
  };

  const sendOnce = (
    entry: PoolEntry,
    conn: LiveConnection,
    call: PoolCall,
    signal: AbortSignal,
    request: { method: string; params?: Record<string, unknown> },
    options: RequestOptions,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> => {
    const maxTotal = options.maxTotalTimeoutMs ?? deps.maxTotalTimeoutMs;
    const leg = (params: Record<string, unknown> | undefined, totalMs: number, manualInputs: boolean) => {
      const outbound = { method: request.method, params } as {
        method: 'tools/call';
        params?: Record<string, unknown>;
      };
      const requestOptions = {
        timeout: timeoutMs,
        maxTotalTimeout: totalMs,
        resetTimeoutOnProgress: true,
        signal,
        onprogress: options.onprogress,
        // Names the call on its POST, so a question on that POST's stream is known to be this call's.
        headers: conn.tags?.headersFor(call.id),
        allowInputRequired: manualInputs,
      };
      return (
        PASSED_THROUGH.has(request.method)
          ? conn.client.request(outbound, PASS_THROUGH_RESULT, requestOptions)
          : conn.client.request(outbound, requestOptions)
      ) as Promise<Record<string, unknown>>;
    };
    if (conn.era.era !== 'modern') return leg(request.params, maxTotal, false);
    return runWithInputRounds({
      method: request.method,
      params: request.params,
      send: (params, totalMs) => leg(params, totalMs, true),
      ask: (method, params, askSignal) => {
        const caller = call.caller;
        if (!caller?.capabilities[capabilityFor(method)]) {
          if (method === 'roots/list') return Promise.resolve({ roots: [] });
          throw new ProtocolError(
            ProtocolErrorCode.MethodNotFound,
            `${method} is not available: the client using ${entry.model.prefix} through Switchboard does not support it`,
          );
        }
        return caller.request(method, params, askSignal);
      },
      maxTotalTimeoutMs: maxTotal,
      signal,
      now: deps.now,
    });
  };

  const request: Calls['request'] = async (entry, req, options = {}) => {
    const prefix = entry.model.prefix;
    const call: PoolCall = { id: ++callSeq, method: req.method, caller: options.caller, abort: () => {} };
    entry.inFlight.add(call); // an idle check due meanwhile sees it and leaves the entry be
    const timeoutMs = options.timeoutMs ?? deps.requestTimeoutMs;
    const aborted = () => options.signal?.aborted ?? false;
    try {
      for (let round = 0; ; round++) {
        const conn = await acquire(entry, options.signal);
        call.conn = conn;
        // Our own abort, for when the transport tells us the answer is lost; the caller's signal still cancels.
        const lost = new AbortController();
        call.abort = (reason) => lost.abort(reason);
        // Linked by hand: AbortSignal.any builds a weakly held composite per call, which cost 1% of serve's CPU.
        const unlink = followAbort(options.signal, lost);
        try {
          return await sendOnce(entry, conn, call, lost.signal, req, options, timeoutMs);
        } catch (error) {
          if (aborted()) throw error;
          const trouble = troubleOfFailure(error, conn.era);
          if (trouble === undefined) throw error;
          // A lost answer says the stream died, not that the session did: let a ping decide.
          if (lost.signal.aborted) runner.verify(entry, conn);
          else runner.lose(entry, conn, troubleReason(prefix, trouble));
          if (round === 0 && mayRepeat(req.method, trouble)) {
            const what =
              trouble.kind === 'dropped' ? 'a read whose answer was lost' : 'a request that cannot have run';
            log.info(`repeating ${what}`, {
              prefix,
              method: req.method,
              trouble: trouble.kind,
            });
            continue;
          }
          throw mayHaveRun(prefix, req.method, trouble, conn, error);
        } finally {
          unlink();
        }
      }
    } catch (error) {
      const scope = insufficientScopeOf(error);
      if (scope) deps.onInsufficientScope?.(entry, scope.requiredScope);
      throw requestFailure(prefix, error, {
        aborted: aborted(),
        timeoutMs,
        lastExit: entry.lastExit,
        redact: (text: string) => deps.redactor.redact(text),
      });
    } finally {
      entry.inFlight.delete(call);
      runner.callDone(entry, call.conn);
      runner.armIdle(entry);
    }
  };

  return {
    request,
    acquire,
    answerLost(entry, callId) {
      for (const call of entry.inFlight) {
        if (call.id === callId)
          call.abort(
            new SdkError(
              SdkErrorCode.ConnectionClosed,
              'the response stream ended before the answer arrived',
            ),
          );
      }
    },
  };
}

/** The error of a request that met broken connection `trouble` and must not be repeated. */
function mayHaveRun(
  prefix: string,
  method: string,
  trouble: Trouble,
  conn: LiveConnection,
  error: unknown,
): unknown {
  // A stdio process that died mid-call keeps its own message (exit code or signal, "it will be restarted").
  if (conn.era.wire === 'stdio' && trouble.kind === 'dropped') return error;
  if (trouble.kind === 'dropped') {
    const what = method === 'tools/call' ? 'the tool call' : `the ${method} request`;
    return new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `${prefix} restarted or dropped the connection while handling ${what}, so it may or may not have run: ` +
        'check its effect before calling it again (Switchboard is reconnecting with a new session)',
      { cause: error, details: { prefix, mayHaveRun: true } },
    );
  }
  return new SwitchboardError(
    'UPSTREAM_UNAVAILABLE',
    `${troubleReason(prefix, trouble)}; a new session failed too`,
    {
      cause: error,
    },
  );
}

function abortableDelay(ms: number, signal: AbortSignal | undefined, prefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(prefix));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
