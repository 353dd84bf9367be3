import { SwitchboardError } from '../../lib/errors.ts';
import type { CallerIdentity } from '../gateway-core.ts';

/**
 * Hooks on the one tool-call path (tool-call-path.ts), run for every client tools/call in both eras and for
 * Switchboard's own calls. Issue 14's leak guard plugs in here: `beforeCall` scans the arguments going to the
 * server (exfiltration of another server's secret), `afterCall` scans the result going back. A hook can pass,
 * replace the value (redact), or block; what it found is recorded in the call-log row as kinds and counts,
 * never values.
 *
 * Hooks are synchronous on purpose: they run on every call, so whatever they need (vault values, rule sets) is
 * prepared beforehand and refreshed on change, never read per call. A hook that throws fails the call (the
 * value it was inspecting never goes on unchecked).
 */

/** What a hook knows about the call. */
export interface ToolCallFacts {
  caller: CallerIdentity;
  prefix: string;
  /** Registry id of the server; undefined when no server has the prefix now. */
  serverId: number | undefined;
  /** The upstream's own tool name. */
  tool: string;
}

/** One kind of thing a hook found (`aws-access-key`, `vault-secret`…) and how often; never the value. */
export interface GuardFinding {
  kind: string;
  count: number;
}

export type HookVerdict<T> =
  | { action: 'pass' }
  | { action: 'replace'; value: T; findings: readonly GuardFinding[] }
  /** The caller gets an `isError` result with `message`; the call log records `errorCode`. */
  | { action: 'block'; message: string; errorCode: string; findings: readonly GuardFinding[] };

export type ToolArguments = Record<string, unknown> | undefined;
export type ToolResult = Record<string, unknown>;

export interface ToolCallHook {
  /** For logs when the hook throws. */
  name: string;
  /** Before the upstream call (first round only). */
  beforeCall?(call: ToolCallFacts, args: ToolArguments): HookVerdict<ToolArguments>;
  /** Before an upstream result goes back (not the hub's own error results, not input_required rounds). */
  afterCall?(call: ToolCallFacts, result: ToolResult): HookVerdict<ToolResult>;
}

/** The value after every hook, what they found, and the block that stopped it (the first one wins). */
export interface HookOutcome<T> {
  value: T;
  findings: GuardFinding[];
  blocked?: { message: string; errorCode: string };
}

/**
 * Runs one phase of `hooks` in order: replacements chain, findings add up, a block stops the chain. A hook that
 * throws becomes an INTERNAL SwitchboardError naming the hook (its own message may quote what it inspected).
 */
export function applyHooks<T>(
  hooks: readonly ToolCallHook[],
  phase: (hook: ToolCallHook, value: T) => HookVerdict<T> | undefined,
  value: T,
): HookOutcome<T> {
  let current = value;
  const findings: GuardFinding[] = [];
  for (const hook of hooks) {
    let verdict: HookVerdict<T> | undefined;
    try {
      verdict = phase(hook, current);
    } catch (cause) {
      throw new SwitchboardError(
        'INTERNAL',
        `Switchboard's ${hook.name} check failed on this call, so the call was stopped; see the Switchboard log`,
        { cause },
      );
    }
    if (verdict === undefined || verdict.action === 'pass') continue;
    addFindings(findings, verdict.findings);
    if (verdict.action === 'block') {
      return {
        value: current,
        findings,
        blocked: { message: verdict.message, errorCode: verdict.errorCode },
      };
    }
    current = verdict.value;
  }
  return { value: current, findings };
}

/** Adds `more` into `into`, summing the counts of equal kinds. */
export function addFindings(into: GuardFinding[], more: readonly GuardFinding[]): GuardFinding[] {
  for (const finding of more) {
    const same = into.find((f) => f.kind === finding.kind);
    if (same) same.count += finding.count;
    else into.push({ kind: finding.kind, count: finding.count });
  }
  return into;
}

/** The `beforeCall` phase of every hook. */
export function beforeCall(
  hooks: readonly ToolCallHook[],
  facts: ToolCallFacts,
  args: ToolArguments,
): HookOutcome<ToolArguments> {
  return applyHooks<ToolArguments>(hooks, (hook, value) => hook.beforeCall?.(facts, value), args);
}

/** The `afterCall` phase of every hook. */
export function afterCall(
  hooks: readonly ToolCallHook[],
  facts: ToolCallFacts,
  result: ToolResult,
): HookOutcome<ToolResult> {
  return applyHooks<ToolResult>(hooks, (hook, value) => hook.afterCall?.(facts, value), result);
}
