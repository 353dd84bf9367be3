import type { LeakGuardPolicy } from '../../../preload/contract/server-definition.ts';
import type { Finding, SecretScanner } from '../../guard/secret-scanner.ts';
import type { GuardFinding, HookVerdict, ToolCallHook } from './tool-call-hooks.ts';

/**
 * The secret-leak guard as a tool-call hook (issue 14). A result on its way to a client is searched for the
 * exact values of every vault secret (any server's, in every encoding secret-forms.ts knows) and for
 * well-known credential formats; the arguments of a call on their way to a server are searched for the
 * secrets of OTHER servers (exfiltration). The server's policy decides: `redact` (default) replaces each find
 * with `[REDACTED:<kind>]`, `block` answers an isError result saying why, `off` lets it through. The call log
 * records what was found as kinds and counts; no message here ever holds a value.
 *
 * Synchronous, as hooks are: the scanner and the policies are prepared beforehand (guard/leak-guard-state.ts).
 */

export interface LeakGuardHookDeps {
  scanner(): SecretScanner;
  policyOf(serverId: number | undefined): LeakGuardPolicy;
}

export const EXFILTRATION_BLOCKED = 'EXFILTRATION_BLOCKED';
export const SECRET_IN_RESULT = 'SECRET_IN_RESULT';

/** The hook over the guard's prepared state. */
export function createLeakGuardHook(deps: LeakGuardHookDeps): ToolCallHook {
  return {
    name: 'leak guard',
    beforeCall(facts, args) {
      const policy = deps.policyOf(facts.serverId);
      if (policy === 'off' || args === undefined) return { action: 'pass' };
      const scan = deps.scanner().scanArguments(args, facts.serverId);
      return verdict(policy, scan.findings, scan.redacted, () => ({
        message:
          `Switchboard stopped this call to ${facts.tool} on ${facts.prefix}: its arguments held ${describe(scan.findings)}, ` +
          `and nothing was sent. If ${facts.prefix} should receive it, change its leak guard in Switchboard.`,
        errorCode: EXFILTRATION_BLOCKED,
      }));
    },
    afterCall(facts, result) {
      const policy = deps.policyOf(facts.serverId);
      if (policy === 'off') return { action: 'pass' };
      const scan = deps.scanner().scanResult(result);
      return verdict(policy, scan.findings, scan.redacted, () => ({
        message:
          `Switchboard withheld the result of ${facts.tool} from ${facts.prefix}: it held ${describe(scan.findings)}. ` +
          `If that is expected, change ${facts.prefix}'s leak guard in Switchboard.`,
        errorCode: SECRET_IN_RESULT,
      }));
    },
  };
}

function verdict<T>(
  policy: LeakGuardPolicy,
  findings: readonly Finding[],
  redacted: () => T,
  blocked: () => { message: string; errorCode: string },
): HookVerdict<T> {
  if (findings.length === 0) return { action: 'pass' };
  const found: GuardFinding[] = findings.map((f) => ({ kind: f.kind, count: f.count }));
  if (policy === 'block') return { action: 'block', ...blocked(), findings: found };
  return { action: 'replace', value: redacted(), findings: found };
}

/** "2 secrets from the vault and 1 aws-access-key credential": kinds and counts, never values. */
export function describe(findings: readonly Finding[]): string {
  const parts = findings.map(({ kind, count }) => {
    const plural = count === 1 ? '' : 's';
    if (kind === 'vault-secret') return `${count} secret${plural} from the vault`;
    if (kind === 'other-server-secret') return `${count} secret${plural} of another server`;
    return `${count} ${kind} credential${plural}`;
  });
  return parts.length <= 1 ? (parts[0] ?? 'nothing') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
