import type { Database } from 'better-sqlite3';
import {
  DEFAULT_LEAK_GUARD_POLICY,
  type LeakGuardPolicy,
  type StoredServer,
} from '../../preload/contract/server-definition.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Vault } from '../vault/vault.ts';
import type { CredentialRules } from './credential-rules.ts';
import { createCredentialRules } from './credential-rules.ts';
import type { SecretScanner } from './secret-scanner.ts';
import { createSecretScanner } from './secret-scanner.ts';
import { changeCounter } from '../registry/change-counters.ts';
import { readVaultSecrets } from './vault-secrets.ts';

/**
 * What the leak guard's hook reads on every call, prepared beforehand: the scanner (rebuilt only when the vault
 * changed) and each server's policy. `refresh()` runs when the hub starts and on every change the hub hears of
 * (servers, variables, sign-ins, another process's commit); it never runs per call.
 */
export interface LeakGuardState {
  scanner(): SecretScanner;
  /** The server's policy; servers the guard does not know yet get the default. */
  policyOf(serverId: number | undefined): LeakGuardPolicy;
  /** Re-reads the policies, and the vault's secrets if the vault changed since the last read. */
  refresh(): void;
}

export interface LeakGuardStateDeps {
  /** The registry's connection (the vault's rows and counter are in the same file). */
  db: Database;
  vault: Pick<Vault, 'get'>;
  servers: { list(): StoredServer[] };
  log: Logger;
  rules?: CredentialRules;
}

/** The server's leak-guard policy with its default applied (rows stored before the field existed have none). */
export function leakGuardPolicyOf(server: { leakGuard?: LeakGuardPolicy } | undefined): LeakGuardPolicy {
  return server?.leakGuard ?? DEFAULT_LEAK_GUARD_POLICY;
}

/**
 * The rules, logging the id of each rule the first time it fails on a text (a rule that throws finds nothing
 * there, the others still run). Its error is never logged: it may quote the text. Once per rule, so a rule that
 * fails on every result writes one line, not one per call.
 */
export function loggingRuleFailures(rules: CredentialRules, log: Logger): CredentialRules {
  const logged = new Set<string>();
  return {
    names: rules.names,
    find(text) {
      const hits = rules.find(text);
      for (const rule of rules.takeFailures()) {
        if (logged.has(rule)) continue;
        logged.add(rule);
        log.warn('a credential rule failed on a tool-call text and found nothing in it; the others ran', {
          rule,
        });
      }
      return hits;
    },
    takeFailures: () => [],
  };
}

/** Creates the state and reads the vault once. */
export function createLeakGuardState(deps: LeakGuardStateDeps): LeakGuardState {
  const log = deps.log.child({ component: 'leak-guard' });
  const rules = loggingRuleFailures(deps.rules ?? createCredentialRules(), log);
  let scanner = createSecretScanner([], rules);
  let version: number | undefined;
  let policies = new Map<number, LeakGuardPolicy>();

  const refresh = () => {
    policies = new Map(deps.servers.list().map((s) => [s.id, leakGuardPolicyOf(s)]));
    let now: number;
    try {
      now = changeCounter(deps.db, 'secrets');
    } catch (error) {
      log.warn('the leak guard could not check the vault for changes', { error: errorMessage(error) });
      return;
    }
    if (now === version) return;
    const read = readVaultSecrets(deps.db, deps.vault, log);
    scanner = createSecretScanner(read.secrets, rules);
    // A vault that could not be read is tried again at the next change of anything.
    version = read.unreadable > 0 ? undefined : now;
    log.debug('leak guard secrets loaded', { secrets: read.secrets.length, forms: scanner.forms });
  };
  refresh();

  return {
    scanner: () => scanner,
    policyOf: (serverId) =>
      serverId === undefined
        ? DEFAULT_LEAK_GUARD_POLICY
        : (policies.get(serverId) ?? DEFAULT_LEAK_GUARD_POLICY),
    refresh,
  };
}
