import { describe, expect, it } from 'vitest';
import { parseTarget, ruleChanges } from '../../../main/cli/profile-commands.ts';

describe('profile command options', () => {
  it('names a server or one of its tools, as SERVER/TOOL or SERVER__TOOL', () => {
    expect(parseTarget('github')).toEqual({ prefix: 'github' });
    expect(parseTarget('github/create_issue')).toEqual({ prefix: 'github', tool: 'create_issue' });
    expect(parseTarget('github__create_issue')).toEqual({ prefix: 'github', tool: 'create_issue' });
    expect(() => parseTarget('github/')).toThrow(/is not SERVER or SERVER\/TOOL/);
  });

  it('turns --include/--exclude/--always-list/--reset into rules, in that order', () => {
    expect(
      ruleChanges({
        include: ['github', 'slack/post_message'],
        exclude: ['github/delete_repo'],
        alwaysList: ['github/create_issue'],
        reset: ['memory', 'memory/read_graph'],
      }),
    ).toEqual({
      servers: [
        { prefix: 'github', included: true },
        { prefix: 'memory', included: null },
      ],
      tools: [
        { prefix: 'slack', tool: 'post_message', rule: 'in' },
        { prefix: 'github', tool: 'delete_repo', rule: 'out' },
        { prefix: 'github', tool: 'create_issue', rule: 'listed' },
        { prefix: 'memory', tool: 'read_graph', rule: null },
      ],
    });
    expect(() => ruleChanges({ alwaysList: ['github'] })).toThrow(/--always-list takes SERVER\/TOOL/);
  });
});
