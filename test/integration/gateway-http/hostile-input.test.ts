import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';
import { jsonRpcError, rawRequest } from './raw-http.ts';

/**
 * Hostile and broken requests: each gets the right 4xx with a JSON-RPC-shaped body, none a 5xx, and a
 * session opened before the barrage keeps working after it.
 */

let gw: TestGateway;
let survivor: { client: Client; transport: StreamableHTTPClientTransport };

beforeAll(async () => {
  gw = await startTestGateway();
  const transport = new StreamableHTTPClientTransport(new URL(gw.url), {
    requestInit: { headers: { authorization: `Bearer ${gw.token}` } },
  });
  const client = new Client({ name: 'survivor', version: '1.0.0' });
  await client.connect(transport);
  survivor = { client, transport };
});
afterAll(async () => {
  await survivor.client.close();
  await gw.close();
});

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  code?: number;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function cases(): Case[] {
  const auth = { authorization: `Bearer ${gw.token}` };
  const session = {
    ...auth,
    'mcp-session-id': survivor.transport.sessionId!,
    'mcp-protocol-version': '2025-11-25',
  };
  const list: Case[] = [];

  // 1. Bytes that are not JSON → 400 -32700, with and without a session.
  const badJson = [
    '{',
    '}',
    '[',
    '{"jsonrpc":',
    '{"jsonrpc":"2.0",}',
    "{'jsonrpc':'2.0'}",
    'nul',
    'NaN',
    'undefined',
    '\u0000',
    '{"a":1}{"b":2}',
    '[1,2,]',
    '"unterminated',
    '0x10',
    '--1',
    '{"jsonrpc":"2.0","id":1,"method":"ping"',
    ' ',
    '\n',
    '{{}}',
    '\\',
    '{"id":01}',
    'tru',
    '[[[[',
    '{"a":"\\x"}',
  ];
  for (const [i, body] of badJson.entries()) {
    list.push({
      name: `bad json #${i}`,
      headers: { ...JSON_HEADERS, ...auth },
      body,
      status: 400,
      code: -32700,
    });
    list.push({
      name: `bad json in session #${i}`,
      headers: { ...JSON_HEADERS, ...session },
      body,
      status: 400,
      code: -32700,
    });
  }
  // Every truncation of a valid request is invalid JSON.
  const whole = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25' },
  });
  for (let cut = 1; cut < whole.length; cut += 1) {
    list.push({
      name: `truncated at ${cut}`,
      headers: { ...JSON_HEADERS, ...(cut % 2 ? auth : session) },
      body: whole.slice(0, cut),
      status: 400,
      code: -32700,
    });
  }
  list.push({
    name: 'empty body',
    headers: { ...JSON_HEADERS, ...auth },
    body: '',
    status: 400,
    code: -32700,
  });
  list.push({
    name: 'random bytes',
    headers: { ...JSON_HEADERS, ...auth },
    body: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]),
    status: 400,
    code: -32700,
  });
  list.push({
    name: 'deeply nested',
    headers: { ...JSON_HEADERS, ...session },
    body: '['.repeat(50_000) + ']'.repeat(50_000),
    status: 400,
  });

  // 2. Valid JSON, wrong JSON-RPC shapes (huge ids included), without and with a session.
  const shapes: unknown[] = [
    42,
    'str',
    null,
    true,
    [],
    [1, 2],
    {},
    { jsonrpc: '1.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0' },
    { jsonrpc: '2.0', id: {}, method: 'tools/list' },
    { jsonrpc: '2.0', id: [1], method: 'tools/list' },
    { id: 1, method: 'tools/list' },
    { jsonrpc: '2.0', id: 1, method: 7 },
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: 'x' },
    { jsonrpc: '2.0', id: 1, result: 'orphan', error: { code: 1, message: 'both' } },
    { jsonrpc: 2, id: 1, method: 'ping' },
    { jsonrpc: '2.0', id: 'x'.repeat(100_000), method: 'tools/list', params: 5 },
    { jsonrpc: '2.0', id: null, method: null },
    Array.from({ length: 1500 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'ping' })),
    [1, 2].map((id) => ({
      jsonrpc: '2.0',
      id,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    })),
  ];
  for (const [i, shape] of shapes.entries()) {
    list.push({
      name: `shape #${i}`,
      headers: { ...JSON_HEADERS, ...auth },
      body: JSON.stringify(shape),
      status: 400,
    });
    list.push({
      name: `shape in session #${i}`,
      headers: { ...JSON_HEADERS, ...session },
      body: JSON.stringify(shape),
      status: 400,
    });
  }
  // Huge ids as raw text (JSON.parse gives Infinity or a lossy float).
  for (const id of [
    '1e400',
    '-1e400',
    '123456789012345678901234567890123456789',
    '1.5e-400',
    '9'.repeat(5000),
  ]) {
    const body = `{"jsonrpc":"2.0","id":${id},"method":"tools/list"}`;
    list.push({
      name: `huge id ${id.slice(0, 12)} without session`,
      headers: { ...JSON_HEADERS, ...auth },
      body,
      status: 400,
    });
  }
  for (const id of ['1e400', '-1e400']) {
    const body = `{"jsonrpc":"2.0","id":${id},"method":"tools/list"}`;
    list.push({
      name: `infinite id ${id} in session`,
      headers: { ...JSON_HEADERS, ...session },
      body,
      status: 400,
    });
  }
  // Unknown JSON-RPC methods before initialize → 400 (no session); initialize with garbage params → 400.
  for (const method of [
    'foo',
    'tools/cal',
    'INITIALIZE',
    '',
    'x'.repeat(10_000),
    'notifications/initialized',
  ]) {
    list.push({
      name: `method ${method.slice(0, 12)}`,
      headers: { ...JSON_HEADERS, ...auth },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method }),
      status: 400,
    });
  }
  for (const params of [undefined, 'x', 5, { protocolVersion: 5 }, { capabilities: 'none' }]) {
    list.push({
      name: `initialize with params ${JSON.stringify(params)}`,
      headers: { ...JSON_HEADERS, ...auth },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params,
      }),
      status: 400,
    });
  }
  // Modern-looking but broken: envelope without headers, unsupported revision, envelope of the wrong type.
  const envelope = (v: unknown) => ({
    'io.modelcontextprotocol/protocolVersion': v,
    'io.modelcontextprotocol/clientInfo': { name: 'x', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  });
  list.push({
    name: 'modern without headers',
    headers: { ...JSON_HEADERS, ...auth },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { _meta: envelope('2026-07-28') },
    }),
    status: 400,
  });
  list.push({
    name: 'modern unknown revision',
    headers: { ...JSON_HEADERS, ...auth, 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { _meta: envelope('2099-01-01') },
    }),
    status: 400,
  });
  list.push({
    name: 'modern header, no envelope',
    headers: { ...JSON_HEADERS, ...auth, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    status: 400,
  });
  list.push({
    name: 'modern bad Mcp-Name',
    headers: {
      ...JSON_HEADERS,
      ...auth,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'other',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'fake__echo', arguments: {}, _meta: envelope('2026-07-28') },
    }),
    status: 400,
    code: -32020,
  });

  // 3. HTTP methods the endpoint does not have.
  for (const method of ['PUT', 'PATCH', 'DELETE /mcp/fake', 'OPTIONS']) {
    const [verb, path] = method.split(' ');
    const body = verb === 'OPTIONS' || verb === 'DELETE' ? {} : { body: '{}' };
    list.push({
      name: `HTTP ${method}`,
      method: verb!,
      path,
      headers: { ...JSON_HEADERS, ...auth },
      ...body,
      status: verb === 'DELETE' ? 400 : 405,
    });
  }
  // Node's own parser refuses this one before any handler runs.
  list.push({
    name: 'OPTIONS with a chunked body',
    method: 'OPTIONS',
    headers: { ...JSON_HEADERS, ...auth },
    body: '{}',
    status: 400,
  });
  list.push({
    name: 'GET without Accept',
    method: 'GET',
    headers: { ...session, accept: 'application/json' },
    status: 406,
  });
  list.push({
    name: 'POST without Accept',
    headers: { ...session, 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    status: 406,
  });
  list.push({
    name: 'unknown path',
    path: '/mcpx',
    headers: { ...JSON_HEADERS, ...auth },
    body: '{}',
    status: 404,
  });
  list.push({
    name: 'nested path',
    path: '/mcp/fake/extra',
    headers: { ...JSON_HEADERS, ...auth },
    body: '{}',
    status: 404,
  });

  // 4. Oversized bodies → 413 (declared, and streamed without a length).
  const big = Buffer.alloc(4 * 1024 * 1024 + 10, 0x20);
  list.push({ name: 'oversized body', headers: { ...JSON_HEADERS, ...auth }, body: big, status: 413 });
  list.push({
    name: 'oversized chunked body',
    headers: { ...JSON_HEADERS, ...auth, 'transfer-encoding': 'chunked' },
    body: big,
    status: 413,
  });
  list.push({
    name: 'oversized SSE message',
    path: '/messages?sessionId=x',
    headers: { ...JSON_HEADERS, ...auth },
    body: big,
    status: 413,
  });

  // 5. Wrong Host (DNS rebinding) → 403, whatever the rest.
  for (const host of [
    'evil.example',
    `evil.example:${gw.port}`,
    'localhost',
    '127.0.0.1',
    `localhost:${gw.port + 1}`,
    `127.0.0.1:${gw.port}.evil.example`,
    '[::1]',
    `[::2]:${gw.port}`,
    `localhost.:${gw.port}`,
    `0.0.0.0:${gw.port}`,
    `127.0.0.2:${gw.port}`,
    `localhost:0${gw.port}`,
  ]) {
    list.push({ name: `Host ${host}`, headers: { ...JSON_HEADERS, ...auth, host }, body: '{}', status: 403 });
  }
  // 6. Foreign or null Origin → 403.
  for (const origin of [
    'http://evil.example',
    'null',
    'https://localhost.evil.example',
    'file://',
    'http://127.0.0.1.nip.io',
    'chrome-extension://abc',
    `http://localhost:${gw.port}/path`,
    'http://localhost, http://evil.example',
  ]) {
    list.push({
      name: `Origin ${origin}`,
      headers: { ...JSON_HEADERS, ...auth, origin },
      body: '{}',
      status: 403,
    });
  }
  // 7. Missing or wrong token → 401 with a Bearer challenge.
  for (const authorization of [
    undefined,
    'Bearer',
    'Bearer sbt_wrongwrongwrongwrongwrongwrongwrongwrongwro',
    `Basic ${Buffer.from('a:b').toString('base64')}`,
    `Bearer ${gw.token}x`,
    `Bearer ${gw.token.slice(0, -1)}`,
    'Bearer ' + 'a'.repeat(10_000),
    `bearer  ${gw.token} extra`,
  ]) {
    // Absent, not undefined: Node refuses a header whose value is undefined.
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (authorization !== undefined) headers.authorization = authorization;
    list.push({
      name: `Authorization ${String(authorization).slice(0, 20)}`,
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
      status: 401,
    });
  }
  // 8. Wrong content type → 415.
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonx',
    'application/json-seq',
  ]) {
    list.push({
      name: `Content-Type ${type}`,
      headers: { ...auth, accept: JSON_HEADERS.accept, 'content-type': type },
      body: '{}',
      status: 415,
    });
  }
  list.push({
    name: 'no Content-Type',
    headers: { ...auth, accept: JSON_HEADERS.accept },
    body: '{}',
    status: 415,
  });
  return list;
}

describe('hostile and malformed requests', () => {
  it('answers each with the right 4xx and a JSON-RPC error body, never a 5xx', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(200);
    const failures: string[] = [];
    for (const c of all) {
      const response = await rawRequest({
        port: gw.port,
        method: c.method ?? 'POST',
        path: c.path,
        headers: c.headers,
        body: c.body,
      });
      if (response.status !== c.status) {
        failures.push(
          `${c.name}: expected ${c.status}, got ${response.status} ${response.body.slice(0, 160)}`,
        );
        continue;
      }
      try {
        const error = jsonRpcError(response.body);
        if (c.code !== undefined && error.code !== c.code)
          failures.push(`${c.name}: expected code ${c.code}, got ${error.code}`);
      } catch (error) {
        failures.push(`${c.name}: ${(error as Error).message}`);
      }
      if (
        c.status === 401 &&
        !String(response.headers['www-authenticate']).startsWith('Bearer realm="switchboard"')
      ) {
        failures.push(`${c.name}: 401 without a Bearer challenge`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('still serves the session opened before, and a new client', async () => {
    const result = await survivor.client.callTool({ name: 'fake__echo', arguments: { text: 'still here' } });
    expect((result.content as { text: string }[])[0]!.text).toContain('still here');
    const client = new Client({ name: 'after', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(gw.url), {
        requestInit: { headers: { authorization: `Bearer ${gw.token}` } },
      }),
    );
    expect((await client.listTools()).tools).toHaveLength(2);
    await client.close();
  });

  it('answers an unknown JSON-RPC method inside a session with -32601, not an HTTP error', async () => {
    const response = await rawRequest({
      port: gw.port,
      headers: {
        ...JSON_HEADERS,
        authorization: `Bearer ${gw.token}`,
        'mcp-session-id': survivor.transport.sessionId!,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 77, method: 'no/such/method' }),
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain('-32601');
  });
});
