import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import {
  plainToolCall,
  toolCallAnswer,
  toolCallError,
} from '../../../../main/gateway/http/plain-tool-call.ts';

const call = (params: unknown, extra: Record<string, unknown> = {}) =>
  ({ jsonrpc: '2.0', id: 4, method: 'tools/call', params, ...extra }) as unknown as JSONRPCMessage;

describe('the tools/call the hot path answers itself', () => {
  it('takes a name with arguments and _meta objects', () => {
    expect(plainToolCall(call({ name: 'a__b' }))).toEqual({ id: 4, params: { name: 'a__b' } });
    const full = { name: 'a__b', arguments: { x: [1] }, _meta: { progressToken: 'p', trace: 'q' } };
    expect(plainToolCall(call(full))).toEqual({ id: 4, params: full });
    expect(plainToolCall(call({ name: 'x', _meta: { progressToken: 3 } }))?.params._meta).toEqual({
      progressToken: 3,
    });
  });

  it('leaves everything else to the Server', () => {
    for (const message of [
      call({ name: 7 }),
      call({}),
      call(undefined),
      call({ name: 'x', arguments: 'y' }),
      call({ name: 'x', arguments: [1] }),
      call({ name: 'x', _meta: null }),
      call({ name: 'x', _meta: { progressToken: {} } }),
      call({ name: 'x', _meta: { progressToken: 0.5 } }),
      call({ name: 'x', _meta: { 'io.modelcontextprotocol/clientCapabilities': {} } }),
      call({ name: 'x', task: { ttl: 1 } }),
      call({ name: 'x', requestState: 's' }),
      call({ name: 'x' }, { extra: 1 }),
      call({ name: 'x' }, { id: 1.5 }),
      call({ name: 'x' }, { method: 'tools/list' }),
    ])
      expect(plainToolCall(message), JSON.stringify(message)).toBeUndefined();
  });

  it('answers as the Server does: content added when missing, errors as the Protocol maps them', () => {
    expect(toolCallAnswer(1, { content: [{ type: 'text', text: 'x' }] })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { content: [{ type: 'text', text: 'x' }] },
    });
    expect(toolCallAnswer(1, { structuredContent: { a: 1 } })).toMatchObject({
      result: { structuredContent: { a: 1 }, content: [] },
    });
    expect(toolCallAnswer(1, { task: { taskId: 't' } })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { task: { taskId: 't' } },
    });

    const invalid = new ProtocolError(ProtocolErrorCode.InvalidParams, 'Unknown tool: x', { tool: 'x' });
    expect(toolCallError(2, invalid)).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32602, message: invalid.message, data: { tool: 'x' } },
    });
    expect(toolCallError(2, new Error('boom'))).toMatchObject({ error: { code: -32603, message: 'boom' } });
    expect(toolCallError(2, 'thrown text')).toMatchObject({
      error: { code: -32603, message: 'Internal error' },
    });
    expect(toolCallError(2, { code: -32002, message: 'gone' })).toMatchObject({ error: { code: -32602 } });
  });
});
