import { describe, expect, it } from 'vitest';
import type { CredentialRules } from '../../../main/guard/credential-rules.ts';
import { loggingRuleFailures } from '../../../main/guard/leak-guard-state.ts';
import type { Logger } from '../../../main/lib/logger.ts';

const CANARY = 'canary-text-9Kd2Lq7Vw';

function recordingLogger(lines: { message: string; fields?: Record<string, unknown> }[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message, fields) => lines.push({ message, fields }),
    error: (message, fields) => lines.push({ message, fields }),
    child: () => logger,
  };
  return logger;
}

describe('credential rule failures', () => {
  it('are logged by rule id, once per rule, never with the text', () => {
    let failing: string[] = [];
    const rules: CredentialRules = {
      names: ['@secretlint/secretlint-rule-x', '@secretlint/secretlint-rule-y'],
      find: (text) => {
        failing = text.includes('both')
          ? ['@secretlint/secretlint-rule-x', '@secretlint/secretlint-rule-y']
          : ['@secretlint/secretlint-rule-x'];
        return [{ kind: 'github-token', start: 0, end: 4 }];
      },
      takeFailures: () => {
        const ids = failing;
        failing = [];
        return ids;
      },
    };
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const logged = loggingRuleFailures(rules, recordingLogger(lines));

    expect(logged.find(`one ${CANARY}`)).toEqual([{ kind: 'github-token', start: 0, end: 4 }]);
    logged.find(`again ${CANARY}`);
    logged.find(`both ${CANARY}`);

    expect(lines.map((l) => l.fields?.rule)).toEqual([
      '@secretlint/secretlint-rule-x',
      '@secretlint/secretlint-rule-y',
    ]);
    expect(lines[0]!.message).toMatch(/^a credential rule failed/);
    expect(JSON.stringify(lines)).not.toContain(CANARY);
    expect(logged.names).toEqual(rules.names);
  });
});
