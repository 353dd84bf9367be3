import { isInputRequiredResult, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import type { ServerRequestMethod } from './upstream-types.ts';

/**
 * Modern-era (2026-07-28) upstreams do not send server→client requests: a call that needs something from the
 * client ends with an `input_required` result, and the client retries the same call with the answers and the
 * opaque `requestState`. The SDK can fulfil these itself, but its handlers are shared by the whole connection
 * and cannot tell which call asked — so the pool runs the rounds here, where the call (and so its caller) is
 * known, and the answer can only come from the client that made the call.
 *
 * Same limits as the SDK's own driver: at most `maxRounds` rounds, a pause before a round that only echoes
 * `requestState` (nothing else would slow such a loop down), and the total time bound covering every round.
 */

export const MAX_INPUT_ROUNDS = 10;
const STATE_ONLY_PAUSE_MS = 250;
const METHODS: ReadonlySet<string> = new Set(['sampling/createMessage', 'elicitation/create', 'roots/list']);

export interface InputRoundsOptions {
  method: string;
  params: Record<string, unknown> | undefined;
  /** Sends one leg (with `allowInputRequired`) and resolves with its raw result; `totalMs` is the budget left. */
  send(params: Record<string, unknown> | undefined, totalMs: number): Promise<Record<string, unknown>>;
  /** Asks the call's own client one embedded question. */
  ask(
    method: ServerRequestMethod,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>>;
  maxTotalTimeoutMs: number;
  signal?: AbortSignal;
  now(): number;
  maxRounds?: number;
}

/** Runs a call to completion, answering every `input_required` round through `ask`. */
export async function runWithInputRounds(options: InputRoundsOptions): Promise<Record<string, unknown>> {
  const startedAt = options.now();
  const maxRounds = options.maxRounds ?? MAX_INPUT_ROUNDS;
  const remaining = () => {
    const left = options.maxTotalTimeoutMs - (options.now() - startedAt);
    if (left <= 0)
      throw new SdkError(SdkErrorCode.RequestTimeout, 'Maximum total timeout exceeded', {
        maxTotalTimeout: options.maxTotalTimeoutMs,
      });
    return left;
  };
  let result = await options.send(options.params, remaining());
  for (let round = 1; isInputRequiredResult(result); round++) {
    if (round > maxRounds) {
      throw new SdkError(
        SdkErrorCode.InputRequiredRoundsExceeded,
        `${options.method} still required input after ${maxRounds} rounds`,
        { rounds: maxRounds },
      );
    }
    const requests = Object.entries((result.inputRequests ?? {}) as Record<string, unknown>);
    let responses: Record<string, unknown> | undefined;
    if (requests.length === 0) await pause(STATE_ONLY_PAUSE_MS, options.signal);
    else responses = await answerAll(requests, options);
    const retry: Record<string, unknown> = { ...options.params };
    if (responses !== undefined) retry.inputResponses = responses;
    if (result.requestState !== undefined) retry.requestState = result.requestState;
    result = await options.send(retry, remaining());
  }
  return result;
}

async function answerAll(
  requests: [string, unknown][],
  options: InputRoundsOptions,
): Promise<Record<string, unknown>> {
  // Siblings share one abort: the first failure (or the caller's cancel) withdraws the other questions.
  const round = new AbortController();
  const onAbort = () => round.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const answers = await Promise.all(
      requests.map(async ([key, entry]) => {
        const request = entry as { method?: unknown; params?: unknown } | null;
        const method = request?.method;
        if (typeof method !== 'string' || !METHODS.has(method)) {
          throw new SdkError(
            SdkErrorCode.InvalidResult,
            `invalid input request "${key}": unknown method ${String(method)}`,
          );
        }
        const params =
          typeof request?.params === 'object' && request.params !== null
            ? (request.params as Record<string, unknown>)
            : undefined;
        try {
          return [key, await options.ask(method as ServerRequestMethod, params, round.signal)] as const;
        } catch (error) {
          round.abort(error);
          throw error;
        }
      }),
    );
    return Object.fromEntries(answers);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
