import { describe, expect, it } from 'vitest';
import type { ToolCallFacts, ToolCallHook } from '../../../../main/gateway/core/tool-call-hooks.ts';
import { addFindings, afterCall, beforeCall } from '../../../../main/gateway/core/tool-call-hooks.ts';

const facts: ToolCallFacts = { caller: { clientName: 'c' }, prefix: 'fs', serverId: 1, tool: 'read' };
const text = (t: string) => ({ content: [{ type: 'text', text: t }] });
const textOf = (r: Record<string, unknown>) => (r.content as { text: string }[])[0]?.text;

/** A result hook that replaces `word` by a marker. */
const redact = (word: string, kind: string): ToolCallHook => ({
  name: `redact-${word}`,
  afterCall: (_facts, result) => {
    const value = textOf(result) ?? '';
    if (!value.includes(word)) return { action: 'pass' };
    return {
      action: 'replace',
      value: text(value.replaceAll(word, `[${kind}]`)),
      findings: [{ kind, count: value.split(word).length - 1 }],
    };
  },
});
const block = (word: string): ToolCallHook => ({
  name: `block-${word}`,
  afterCall: (_facts, result) =>
    textOf(result)?.includes(word)
      ? {
          action: 'block',
          message: `withheld: ${word}`,
          errorCode: 'LEAK_BLOCKED',
          findings: [{ kind: 'key', count: 1 }],
        }
      : { action: 'pass' },
});

describe('afterCall', () => {
  const cases: {
    name: string;
    hooks: ToolCallHook[];
    input: string;
    text: string;
    findings: unknown[];
    blocked?: unknown;
  }[] = [
    { name: 'no hooks', hooks: [], input: 'a b', text: 'a b', findings: [] },
    { name: 'a passing hook', hooks: [redact('zzz', 'k')], input: 'a b', text: 'a b', findings: [] },
    {
      name: 'one replacement',
      hooks: [redact('s3cr3t', 'vault')],
      input: 's3cr3t and s3cr3t',
      text: '[vault] and [vault]',
      findings: [{ kind: 'vault', count: 2 }],
    },
    {
      name: 'chained replacements of the same kind',
      hooks: [redact('aa', 'k'), redact('bb', 'k')],
      input: 'aa bb',
      text: '[k] [k]',
      findings: [{ kind: 'k', count: 2 }],
    },
    {
      name: 'a block after a replacement (the replacement is kept, the block wins)',
      hooks: [redact('aa', 'k'), block('bb'), redact('bb', 'never')],
      input: 'aa bb',
      text: '[k] bb',
      findings: [
        { kind: 'k', count: 1 },
        { kind: 'key', count: 1 },
      ],
      blocked: { message: 'withheld: bb', errorCode: 'LEAK_BLOCKED' },
    },
  ];
  for (const c of cases) {
    it(`applies ${c.name}`, () => {
      const out = afterCall(c.hooks, facts, text(c.input));
      expect(textOf(out.value)).toBe(c.text);
      expect(out.findings).toEqual(c.findings);
      expect(out.blocked).toEqual(c.blocked);
    });
  }

  it('turns a throwing hook into an error naming it, never a pass', () => {
    const broken: ToolCallHook = {
      name: 'leak-guard',
      afterCall: () => {
        throw new Error('boom with the-secret-value');
      },
    };
    expect(() => afterCall([broken], facts, text('x'))).toThrow(/leak-guard check failed/);
    try {
      afterCall([broken], facts, text('x'));
    } catch (error) {
      expect((error as Error).message).not.toContain('the-secret-value');
    }
  });
});

describe('beforeCall', () => {
  it('sees the facts and can replace or block the arguments', () => {
    const seen: ToolCallFacts[] = [];
    const hook: ToolCallHook = {
      name: 'args',
      beforeCall: (f, args) => {
        seen.push(f);
        if (args?.path === '/etc/shadow')
          return {
            action: 'block',
            message: 'no',
            errorCode: 'EXFIL_BLOCKED',
            findings: [{ kind: 'path', count: 1 }],
          };
        return { action: 'replace', value: { ...args, checked: true }, findings: [] };
      },
    };
    expect(beforeCall([hook], facts, { path: '/tmp' })).toEqual({
      value: { path: '/tmp', checked: true },
      findings: [],
    });
    expect(beforeCall([hook], facts, { path: '/etc/shadow' }).blocked).toEqual({
      message: 'no',
      errorCode: 'EXFIL_BLOCKED',
    });
    expect(seen[0]).toEqual(facts);
    expect(
      beforeCall([{ name: 'results only', afterCall: () => ({ action: 'pass' }) }], facts, undefined),
    ).toEqual({
      value: undefined,
      findings: [],
    });
  });
});

describe('addFindings', () => {
  it('sums counts by kind, keeping first-seen order', () => {
    expect(
      addFindings(
        [{ kind: 'a', count: 1 }],
        [
          { kind: 'b', count: 2 },
          { kind: 'a', count: 3 },
        ],
      ),
    ).toEqual([
      { kind: 'a', count: 4 },
      { kind: 'b', count: 2 },
    ]);
  });
});
