import { describe, expect, it } from 'vitest';
import {
  rewritePromptResult,
  rewriteReadResult,
  rewriteToolResult,
} from '../../../../main/gateway/core/result-rewrite.ts';

describe('result rewriting', () => {
  it('rewrites resource links and embedded resources in tool results only', () => {
    const result = {
      content: [
        { type: 'text', text: 'file:///not-touched' },
        { type: 'resource_link', uri: 'file:///a', name: 'a' },
        { type: 'resource', resource: { uri: 'file:///b', text: 'B' } },
      ],
      structuredContent: { uri: 'file:///kept' },
      isError: false,
    };
    expect(rewriteToolResult('fs', result)).toEqual({
      content: [
        { type: 'text', text: 'file:///not-touched' },
        { type: 'resource_link', uri: 'switchboard://fs/file:///a', name: 'a' },
        { type: 'resource', resource: { uri: 'switchboard://fs/file:///b', text: 'B' } },
      ],
      structuredContent: { uri: 'file:///kept' },
      isError: false,
    });
    expect(result.content[1]).toEqual({ type: 'resource_link', uri: 'file:///a', name: 'a' });
  });

  it('rewrites read results and prompt messages', () => {
    expect(rewriteReadResult('m', { contents: [{ uri: 'mem://x', text: 'x' }] })).toEqual({
      contents: [{ uri: 'switchboard://m/mem://x', text: 'x' }],
    });
    expect(
      rewritePromptResult('m', {
        messages: [{ role: 'user', content: { type: 'resource', resource: { uri: 'mem://y', text: '' } } }],
      }),
    ).toEqual({
      messages: [
        {
          role: 'user',
          content: { type: 'resource', resource: { uri: 'switchboard://m/mem://y', text: '' } },
        },
      ],
    });
  });

  it('tolerates odd shapes', () => {
    expect(rewriteToolResult('x', { content: 'nope' })).toEqual({ content: 'nope' });
    expect(rewriteToolResult('x', { content: [null, 1, { type: 'resource' }] })).toEqual({
      content: [null, 1, { type: 'resource' }],
    });
    expect(rewriteReadResult('x', {})).toEqual({});
  });
});
