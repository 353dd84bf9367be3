import { describe, expect, it } from 'vitest';
import { isPlainMessage, plainMessages } from '../../../../main/gateway/http/json-rpc-check.ts';

describe('the edge check of the hot path', () => {
  it('accepts plain requests, notifications and responses', () => {
    for (const message of [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } },
      { jsonrpc: '2.0', id: 'a', method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'x', _meta: { progressToken: 'p', a: 1 } },
      },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 7 } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 3, result: {} },
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'no' } },
    ])
      expect(isPlainMessage(message), JSON.stringify(message)).toBe(true);
  });

  it('leaves everything else to the slow path (where the SDK answers it as before)', () => {
    for (const message of [
      null,
      [],
      'x',
      { jsonrpc: '1.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} },
      { jsonrpc: '2.0', id: 1.5, method: 'ping' },
      { jsonrpc: '2.0', id: null, method: 'ping' },
      { jsonrpc: '2.0', id: 1, method: 7 },
      { jsonrpc: '2.0', id: 1, method: 'ping', params: [1] },
      { jsonrpc: '2.0', id: 1, method: 'ping', extra: true },
      // The SDK's Protocol drops these unanswered; the slow path's transport answers them with an error.
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: {} } } },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 1.5 } } },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: 'm' } },
      { jsonrpc: '2.0', id: 1 },
      { jsonrpc: '2.0', id: 1, result: [] },
      { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'x' } },
      { jsonrpc: '2.0', id: 1, error: { code: 'x', message: 'y' } },
    ])
      expect(isPlainMessage(message), JSON.stringify(message)).toBe(false);
  });

  it('takes batches of plain messages up to the SDK limit', () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    expect(plainMessages(ping)).toEqual([ping]);
    expect(plainMessages([ping, ping])).toHaveLength(2);
    expect(plainMessages([])).toBeUndefined();
    expect(plainMessages([ping, { jsonrpc: '2.0' }])).toBeUndefined();
    expect(plainMessages(Array.from({ length: 101 }, () => ping))).toBeUndefined();
  });
});
