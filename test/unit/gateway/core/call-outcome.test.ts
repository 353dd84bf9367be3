import { ProtocolError } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../../main/lib/errors.ts';
import { classifyFailure, toolErrorResult } from '../../../../main/gateway/core/call-outcome.ts';

describe('classifyFailure', () => {
  it('maps errors to call-log outcomes', () => {
    expect(classifyFailure(new SwitchboardError('UPSTREAM_TIMEOUT', 't'), false)).toEqual({
      outcome: 'timeout',
      errorCode: 'UPSTREAM_TIMEOUT',
    });
    expect(classifyFailure(new SwitchboardError('NEEDS_CONFIG', 'n'), false)).toEqual({
      outcome: 'needs_config',
      errorCode: 'NEEDS_CONFIG',
    });
    expect(classifyFailure(new SwitchboardError('UPSTREAM_UNAVAILABLE', 'u'), false).outcome).toBe(
      'unavailable',
    );
    expect(classifyFailure(new SwitchboardError('NEEDS_AUTH', 'a'), false).outcome).toBe('unavailable');
    expect(classifyFailure(new ProtocolError(-32602, 'bad'), false)).toEqual({
      outcome: 'error',
      errorCode: 'JSONRPC_-32602',
    });
    expect(classifyFailure(new Error('boom'), false)).toEqual({ outcome: 'error', errorCode: 'INTERNAL' });
  });

  it('counts cancellation first', () => {
    expect(classifyFailure(new SwitchboardError('UPSTREAM_TIMEOUT', 't'), true).outcome).toBe('cancelled');
    expect(
      classifyFailure(new SwitchboardError('UPSTREAM_ERROR', 'c', { details: { cancelled: true } }), false)
        .outcome,
    ).toBe('cancelled');
  });
});

describe('toolErrorResult', () => {
  it('is an isError result that says what to do', () => {
    const error = new SwitchboardError(
      'NEEDS_CONFIG',
      'github needs GITHUB_TOKEN: run `switchboard secret set github GITHUB_TOKEN` or fill it in the Switchboard window',
    );
    const result = toolErrorResult('github', 'create_issue', error, false);
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: 'text',
        text: 'github needs GITHUB_TOKEN: run `switchboard secret set github GITHUB_TOKEN` or fill it in the Switchboard window.',
      },
    ]);
  });

  it('names the server for timeouts and upstream rejections', () => {
    const timeout = toolErrorResult(
      'slow',
      'hang',
      new SwitchboardError('UPSTREAM_TIMEOUT', 'slow did not answer within 1s'),
      false,
    );
    expect(JSON.stringify(timeout.content)).toContain('restart slow in Switchboard');
    const rejected = toolErrorResult('gh', 'x', new ProtocolError(-32602, 'Unknown tool: x'), false);
    expect(JSON.stringify(rejected.content)).toContain('gh rejected the call to x: ');
  });
});
