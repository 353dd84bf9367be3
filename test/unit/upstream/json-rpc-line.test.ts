import { describe, expect, it } from 'vitest';
import { parseJsonRpcLine } from '../../../main/upstream/json-rpc-line.ts';

describe('parseJsonRpcLine', () => {
  it.each([
    ['a request', { jsonrpc: '2.0', id: 1, method: 'sampling/createMessage', params: {} }],
    ['a notification', { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } }],
    ['a result', { jsonrpc: '2.0', id: 'a', result: { content: [] } }],
    ['an error', { jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'Method not found' } }],
    [
      'an error to an unreadable request',
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'x' } },
    ],
  ])('reads %s as it was sent', (_name, message) => {
    expect(parseJsonRpcLine(JSON.stringify(message))).toEqual(message);
  });

  it.each([
    ['a banner', 'Server listening on stdio'],
    ['a log line that looks like JSON', '{"level":"info","msg":"ready"}'],
    ['JSON that is not an object', '[1,2,3]'],
    ['another JSON-RPC version', '{"jsonrpc":"1.0","id":1,"result":{}}'],
    ['a result without an id', '{"jsonrpc":"2.0","result":{}}'],
    ['a result that is not an object', '{"jsonrpc":"2.0","id":1,"result":5}'],
    ['an id that is neither string nor number', '{"jsonrpc":"2.0","id":{},"result":{}}'],
    ['truncated JSON', '{"jsonrpc":"2.0","id":1,"res'],
  ])('refuses %s', (_name, line) => {
    expect(parseJsonRpcLine(line)).toBeUndefined();
  });
});
