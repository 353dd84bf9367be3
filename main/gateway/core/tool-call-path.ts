import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import { inputRequired } from '@modelcontextprotocol/server';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CallOutcome } from '../../registry/call-log-repository.ts';
import type { UpstreamPool } from '../../upstream/upstream-pool.ts';
import type { UpstreamCaller } from '../../upstream/upstream-types.ts';
import type { CallerIdentity } from '../gateway-core.ts';
import type { CallLogSink, CallRecord } from './call-log-writer.ts';
import { classifyFailure, toolErrorResult } from './call-outcome.ts';
import type { RoundOutcome } from './input-bridge.ts';
import { rewriteToolResult } from './result-rewrite.ts';
import type {
  GuardFinding,
  ToolArguments,
  ToolCallFacts,
  ToolCallHook,
  ToolResult,
} from './tool-call-hooks.ts';
import { addFindings, afterCall, beforeCall } from './tool-call-hooks.ts';
import type { NameTarget } from './tool-names.ts';
import { serverBlocked } from './tool-view.ts';

/**
 * THE tool-call path: every tools/call that reaches an upstream goes through `run` — a client's in either era
 * (tool-call-handler.ts) and Switchboard's own (`GatewayCore.callTool`). It owns what must be the same for all
 * of them: the server check, the hooks (tool-call-hooks.ts), the upstream request with its timeouts and
 * progress, the outcome class, the `isError` text and exactly one call-log row per logical call. How the
 * upstream request is executed is the caller's `CallRound` (directly, or parked in the modern input bridge);
 * deciding what a round's outcome means is the pure `settleRound`.
 */

export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

/** Where progress of a call goes now; may return a promise (a notification being sent). */
export type ProgressSink = (progress: Progress) => unknown;

/** Progress of one call, delivered in order to whichever downstream request of the call is open now. */
export interface ProgressRelay {
  retarget(sink: ProgressSink | undefined): void;
  push(progress: Progress): void;
  /** Resolves once everything pushed so far was delivered (or failed to be). */
  drained(): Promise<void>;
}

/** Creates a relay delivering to `sink` until retargeted. */
export function createProgressRelay(sink?: ProgressSink): ProgressRelay {
  let target = sink;
  let chain: Promise<void> = Promise.resolve();
  return {
    retarget(next) {
      target = next;
    },
    push(progress) {
      const deliver = target;
      if (!deliver) return;
      chain = chain
        .then(() => deliver(progress))
        .then(
          () => undefined,
          () => undefined,
        );
    },
    drained: () => chain,
  };
}

/** One logical tools/call, kept across the rounds of a modern multi-round exchange. */
export interface CallState {
  caller: CallerIdentity;
  target: NameTarget;
  /** Aggregate scope: resource URIs in the result are rewritten to name their server. */
  rewriteUris: boolean;
  started: number;
  progress: ProgressRelay;
  /** What the hooks found so far (the row is written at the last round). */
  findings: GuardFinding[];
}

/** Sends the upstream tools/call: `caller` answers the upstream's questions (undefined: nobody can). */
export type UpstreamRun = (
  caller: UpstreamCaller | undefined,
  signal: AbortSignal | undefined,
) => Promise<ToolResult>;

export type CallRound =
  /** The first round: hooks see the arguments, then `execute` sends the request with `run`. */
  | {
      kind: 'start';
      arguments: ToolArguments;
      /** The client's `_meta` without its progress token (the pool asks for progress itself). */
      meta?: Record<string, unknown>;
      execute(run: UpstreamRun): Promise<RoundOutcome<ToolResult>>;
    }
  /** A later round of a modern call whose upstream request is already running. */
  | { kind: 'continue'; execute(): Promise<RoundOutcome<ToolResult>> };

/** Runs `run` once and reports it as a round (the legacy era, and Switchboard's own calls). */
export function directly(caller: UpstreamCaller | undefined, signal: AbortSignal | undefined) {
  return (run: UpstreamRun): Promise<RoundOutcome<ToolResult>> =>
    run(caller, signal).then(
      (value) => ({ kind: 'done', value }),
      (error: unknown) => ({ kind: 'failed', error }),
    );
}

/** What a round means for the caller and for the call log. */
export type CallVerdict =
  /** The client must answer questions first; nothing is logged yet. */
  | { kind: 'input'; result: ToolResult }
  | {
      kind: 'final';
      result: ToolResult;
      outcome: CallOutcome;
      errorCode?: string;
      /** The upstream answered (progress must be delivered before this result). */
      answered: boolean;
      /** The call failed (not a tool error, not a hook's block): worth a log line. */
      failed: boolean;
    };

export interface SettleInput {
  target: NameTarget;
  facts: ToolCallFacts;
  hooks: readonly ToolCallHook[];
  rewriteUris: boolean;
  /** The downstream request was cancelled. */
  cancelled: boolean;
  /** Accumulates what the result hooks found. */
  findings: GuardFinding[];
}

/** Decides what one round's outcome means: the result the caller gets, the outcome class, the error code. */
export function settleRound(round: RoundOutcome<ToolResult>, input: SettleInput): CallVerdict {
  const { target } = input;
  if (round.kind === 'input') {
    return {
      kind: 'input',
      result: inputRequired({
        inputRequests: round.inputRequests as never,
        requestState: round.requestState,
      }) as unknown as ToolResult,
    };
  }
  if (round.kind === 'failed') return failed(target, round.error, input.cancelled);
  let checked: ReturnType<typeof afterCall>;
  try {
    checked = afterCall(input.hooks, input.facts, round.value);
  } catch (error) {
    return failed(target, error, input.cancelled);
  }
  addFindings(input.findings, checked.findings);
  if (checked.blocked) return blockedVerdict(checked.blocked, true);
  const result = input.rewriteUris ? rewriteToolResult(target.prefix, checked.value) : checked.value;
  return {
    kind: 'final',
    result,
    outcome: result.isError === true ? 'tool_error' : 'ok',
    answered: true,
    failed: false,
  };
}

function failed(target: NameTarget, error: unknown, cancelled: boolean): CallVerdict {
  const { outcome, errorCode } = classifyFailure(error, cancelled);
  return {
    kind: 'final',
    result: toolErrorResult(target.prefix, target.name, error, cancelled) as ToolResult,
    outcome,
    errorCode,
    answered: false,
    failed: true,
  };
}

function blockedVerdict(blocked: { message: string; errorCode: string }, answered: boolean): CallVerdict {
  return {
    kind: 'final',
    result: { content: [{ type: 'text', text: blocked.message }], isError: true },
    outcome: 'error',
    errorCode: blocked.errorCode,
    answered,
    failed: false,
  };
}

/** The call-log row of a finished call: never arguments or results; findings as kinds and counts. */
export function callLogRow(
  state: CallState,
  verdict: Extract<CallVerdict, { kind: 'final' }>,
  now: number,
  serverId: number | undefined,
): CallRecord {
  return {
    at: state.started,
    clientName: state.caller.clientName,
    tokenId: state.caller.tokenId,
    server: state.target.prefix,
    serverId,
    tool: state.target.name,
    durationMs: now - state.started,
    outcome: verdict.outcome,
    errorCode: verdict.errorCode,
    findings: state.findings.length > 0 ? state.findings : undefined,
  };
}

/** The params of the upstream tools/call. */
export function upstreamCallParams(
  name: string,
  args: ToolArguments,
  meta: Record<string, unknown> | undefined,
): Record<string, unknown> {
  // JSON drops the undefined keys; an empty _meta is left out so upstreams see what a direct client sends.
  return { name, arguments: args, _meta: meta && Object.keys(meta).length > 0 ? meta : undefined };
}

export interface ToolCallPathDeps {
  pool: Pick<UpstreamPool, 'request'>;
  clock: Clock;
  log: Logger;
  callLog?: CallLogSink;
  hooks: readonly ToolCallHook[];
  /** Every registered server by prefix (read per call: the check must see a server disabled a moment ago). */
  servers(): ReadonlyMap<string, StoredServer>;
  /** Per-call timeout (reset by progress) and total cap; pool defaults otherwise. */
  toolTimeoutMs?: number;
  toolMaxTotalMs?: number;
}

export interface ToolCallPath {
  /** The state of a new logical call of `target`. */
  begin(caller: CallerIdentity, target: NameTarget, rewriteUris: boolean, progress?: ProgressSink): CallState;
  /** Runs one round of the call; resolves with what the caller gets (never rejects). */
  run(state: CallState, round: CallRound, signal: AbortSignal | undefined): Promise<ToolResult>;
}

/** Creates the path over the pool. */
export function createToolCallPath(deps: ToolCallPathDeps): ToolCallPath {
  const { hooks } = deps;
  const upstreamRun =
    (state: CallState, args: ToolArguments, meta: Record<string, unknown> | undefined): UpstreamRun =>
    (caller, signal) =>
      deps.pool.request(
        state.target.prefix,
        { method: 'tools/call', params: upstreamCallParams(state.target.name, args, meta) },
        {
          caller,
          signal,
          timeoutMs: deps.toolTimeoutMs,
          maxTotalTimeoutMs: deps.toolMaxTotalMs,
          // Always ask for progress: it resets the upstream timeout even when the client did not ask for it.
          onprogress: (progress) => state.progress.push(progress),
        },
      );

  // A round, or the block of an argument hook (then the upstream never sees the call).
  const execute = async (
    state: CallState,
    round: CallRound,
    facts: ToolCallFacts,
  ): Promise<RoundOutcome<ToolResult> | { kind: 'blocked'; message: string; errorCode: string }> => {
    const blocked = serverBlocked(deps.servers(), state.target.prefix);
    if (blocked) throw blocked;
    if (round.kind === 'continue') return round.execute();
    const checked = beforeCall(hooks, facts, round.arguments);
    addFindings(state.findings, checked.findings);
    if (checked.blocked) return { kind: 'blocked', ...checked.blocked };
    return round.execute(upstreamRun(state, checked.value, round.meta));
  };

  return {
    begin(caller, target, rewriteUris, progress) {
      return {
        caller,
        target,
        rewriteUris,
        started: deps.clock.now(),
        progress: createProgressRelay(progress),
        findings: [],
      };
    },

    async run(state, round, signal) {
      const { target } = state;
      const facts: ToolCallFacts = {
        caller: state.caller,
        prefix: target.prefix,
        serverId: deps.servers().get(target.prefix)?.id,
        tool: target.name,
      };
      let verdict: CallVerdict;
      try {
        const outcome = await execute(state, round, facts);
        verdict =
          outcome.kind === 'blocked'
            ? blockedVerdict(outcome, false)
            : settleRound(outcome, {
                target,
                facts,
                hooks,
                rewriteUris: state.rewriteUris,
                cancelled: signal?.aborted ?? false,
                findings: state.findings,
              });
      } catch (error) {
        verdict = failed(target, error, signal?.aborted ?? false);
      }
      if (verdict.kind === 'input') return verdict.result;
      // Progress must reach the client before the result, or the client drops it as belonging to no request.
      if (verdict.answered) await state.progress.drained();
      if (verdict.failed && verdict.outcome !== 'cancelled')
        deps.log.info('tool call failed', {
          prefix: target.prefix,
          tool: target.name,
          code: verdict.errorCode,
        });
      deps.callLog?.record(
        callLogRow(state, verdict, deps.clock.now(), deps.servers().get(target.prefix)?.id),
      );
      return verdict.result;
    },
  };
}
