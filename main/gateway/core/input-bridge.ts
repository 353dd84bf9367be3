import { randomBytes } from 'node:crypto';
import type { Logger } from '../../lib/logger.ts';
import type { ServerRequestMethod, UpstreamCaller } from '../../upstream/upstream-types.ts';
import type { DownstreamCaller } from './downstream-caller.ts';
import { newCallId } from './downstream-caller.ts';

/**
 * Bridges server→client requests to MODERN (2026-07-28) downstream clients. Such a client cannot receive a
 * request in the middle of a call; the protocol instead ends the call with an `input_required` result listing
 * what the server needs, and the client retries the same call with the answers plus the opaque `requestState`.
 * The upstream, though, is still waiting in the middle of its own call (it sent sampling/elicitation/roots and
 * awaits the answer). So the bridge PARKS the running upstream call:
 *
 *   round 1: start the upstream call; if it asks something back, end the downstream request with
 *            input_required { inputRequests: {i1: <its request>}, requestState: <random parked-call id> }
 *   round n: the client retries with inputResponses {i1: <answer>} and the id → hand the answers to the waiting
 *            upstream request, and wait again for either the final result or the next question.
 *
 * A parked call that nobody resumes within `ttlMs` is cancelled upstream. The id is 128 random bits and is bound
 * to the caller that started the call, so another client cannot resume (or read the result of) someone's call.
 */

export type RoundOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: unknown }
  | {
      kind: 'input';
      requestState: string;
      inputRequests: Record<string, { method: ServerRequestMethod; params?: Record<string, unknown> }>;
    };

interface PendingInput {
  method: ServerRequestMethod;
  params?: Record<string, unknown>;
  resolve(value: Record<string, unknown>): void;
  reject(error: unknown): void;
}

interface Parked<T> {
  owner: string;
  /** Whatever the caller wants to keep with the call across rounds (e.g. where to send progress now). */
  extra: unknown;
  settled: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;
  pending: Map<string, PendingInput>;
  /** Wakes the current round when a new input request arrives. */
  wake?: () => void;
  abort: AbortController;
  timer?: NodeJS.Timeout;
  seq: number;
}

export interface InputBridgeOptions {
  /** How long a parked call waits for the client to come back; default 10 minutes (the SDK's round timeout). */
  ttlMs?: number;
  /** How long a round waits after the first question for more that arrive together; default 20 ms. */
  gatherMs?: number;
  log: Logger;
}

export interface InputBridge {
  /**
   * Starts a call. `run` receives the UpstreamCaller to hand to the pool (its request() parks the question) and
   * an AbortSignal that outlives this round. `capabilities` are what the client declared in its envelope.
   */
  start<T>(
    owner: string,
    capabilities: UpstreamCaller['capabilities'],
    sessionKey: string,
    run: (caller: UpstreamCaller, signal: AbortSignal) => Promise<T>,
    roundSignal: AbortSignal,
    extra?: unknown,
  ): Promise<RoundOutcome<T>>;
  /** The `extra` a parked call was started with, or undefined when the state is unknown or not the owner's. */
  extraOf(owner: string, requestState: string): unknown;
  /** Continues a parked call with the client's answers; undefined when the state is unknown, expired or not the owner's. */
  resume<T>(
    owner: string,
    requestState: string,
    responses: Record<string, unknown>,
    roundSignal: AbortSignal,
  ): Promise<RoundOutcome<T>> | undefined;
  /** True when `requestState` names a parked call (lets handlers tell a resume from a fresh call). */
  has(requestState: string): boolean;
  /** Cancels every parked call. */
  close(): void;
}

/** Creates an empty bridge. */
export function createInputBridge(options: InputBridgeOptions): InputBridge {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const gatherMs = options.gatherMs ?? 20;
  const parked = new Map<string, Parked<unknown>>();

  const drop = (id: string, reason: string) => {
    const call = parked.get(id);
    if (!call) return;
    parked.delete(id);
    clearTimeout(call.timer);
    call.abort.abort(reason);
    for (const input of call.pending.values()) input.reject(new Error(reason));
    call.pending.clear();
  };

  const round = async <T>(
    id: string,
    call: Parked<T>,
    roundSignal: AbortSignal,
  ): Promise<RoundOutcome<T>> => {
    clearTimeout(call.timer);
    const cancelled = new Promise<'cancelled'>((resolve) => {
      if (roundSignal.aborted) resolve('cancelled');
      roundSignal.addEventListener('abort', () => resolve('cancelled'), { once: true });
    });
    for (;;) {
      const asked = new Promise<'input'>((resolve) => {
        if (call.pending.size > 0) resolve('input');
        else call.wake = () => resolve('input');
      });
      const first = await Promise.race([call.settled.then(() => 'settled' as const), asked, cancelled]);
      call.wake = undefined;
      if (first === 'cancelled') {
        drop(id, 'the client cancelled the request');
        return { kind: 'failed', error: roundSignal.reason ?? new Error('cancelled') };
      }
      if (first === 'settled') break;
      // Several questions may arrive together (a server asking in parallel): send them in one round.
      await new Promise((r) => setTimeout(r, gatherMs));
      if (call.pending.size === 0) continue; // The upstream withdrew its question (cancelled it); keep waiting.
      call.timer = setTimeout(() => drop(id, 'the client did not answer in time'), ttlMs);
      call.timer.unref?.();
      return {
        kind: 'input',
        requestState: id,
        inputRequests: Object.fromEntries(
          [...call.pending.entries()].map(([key, input]) => [
            key,
            { method: input.method, params: input.params },
          ]),
        ),
      };
    }
    parked.delete(id);
    const outcome = await call.settled;
    return outcome.ok ? { kind: 'done', value: outcome.value } : { kind: 'failed', error: outcome.error };
  };

  return {
    start(owner, capabilities, sessionKey, run, roundSignal, extra) {
      const id = randomBytes(16).toString('base64url');
      const abort = new AbortController();
      const call: Parked<unknown> = {
        owner,
        extra,
        pending: new Map(),
        abort,
        seq: 0,
        settled: undefined as never,
      };
      // One caller per logical call, across all its rounds: the pool sees one call with one id.
      const caller: DownstreamCaller = {
        callId: newCallId(),
        sessionKey,
        capabilities,
        request(method, params, signal) {
          return new Promise((resolve, reject) => {
            const key = `i${++call.seq}`;
            call.pending.set(key, {
              method,
              params,
              resolve: (v) => {
                call.pending.delete(key);
                resolve(v);
              },
              reject: (e) => {
                call.pending.delete(key);
                reject(e);
              },
            });
            signal.addEventListener('abort', () => call.pending.get(key)?.reject(signal.reason), {
              once: true,
            });
            call.wake?.();
          });
        },
      };
      call.settled = run(caller, abort.signal).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      parked.set(id, call);
      return round(id, call, roundSignal) as Promise<RoundOutcome<never>>;
    },
    resume(owner, requestState, responses, roundSignal) {
      const call = parked.get(requestState);
      if (!call || call.owner !== owner) return undefined;
      for (const [key, response] of Object.entries(responses)) {
        const input = call.pending.get(key);
        if (input && typeof response === 'object' && response !== null)
          input.resolve(response as Record<string, unknown>);
      }
      return round(requestState, call, roundSignal) as Promise<RoundOutcome<never>>;
    },
    has(requestState) {
      return parked.has(requestState);
    },
    extraOf(owner, requestState) {
      const call = parked.get(requestState);
      return call?.owner === owner ? call.extra : undefined;
    },
    close() {
      for (const id of [...parked.keys()]) drop(id, 'the gateway is shutting down');
      options.log.debug('input bridge closed');
    },
  };
}
