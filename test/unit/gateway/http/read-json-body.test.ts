import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../../../main/gateway/http/read-json-body.ts';
import { echoableId } from '../../../../main/gateway/http/json-rpc-response.ts';

const post = (body: BodyInit, type: string | null = 'application/json') =>
  new Request('http://127.0.0.1:1/mcp', {
    method: 'POST',
    headers: type === null ? {} : { 'content-type': type },
    body,
  });

describe('readJsonBody', () => {
  it('parses JSON (charset parameter allowed)', async () => {
    expect(await readJsonBody(post('{"a":1}', 'application/json; charset=utf-8'))).toEqual({
      ok: true,
      value: { a: 1 },
    });
  });
  it('415 for other media types', async () => {
    for (const type of ['text/plain', null, 'application/jsonp']) {
      const outcome = await readJsonBody(post('{}', type));
      expect(!outcome.ok && outcome.response.status).toBe(415);
    }
  });
  it('413 above the limit, without parsing', async () => {
    const outcome = await readJsonBody(post('[' + '1,'.repeat(100) + '1]'), 50);
    expect(!outcome.ok && outcome.response.status).toBe(413);
  });
  it('400 -32700 for invalid JSON and empty bodies', async () => {
    for (const body of ['{', '', 'undefined']) {
      const outcome = await readJsonBody(post(body));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.response.status).toBe(400);
        expect(await outcome.response.json()).toMatchObject({ error: { code: -32700 } });
      }
    }
  });
});

describe('echoableId', () => {
  it('echoes string and finite number ids only', () => {
    expect(echoableId({ id: 1 })).toBe(1);
    expect(echoableId({ id: 'a' })).toBe('a');
    expect(echoableId({ id: Infinity })).toBeNull();
    expect(echoableId({ id: 'x'.repeat(201) })).toBeNull();
    expect(echoableId([{ id: 1 }])).toBeNull();
    expect(echoableId(null)).toBeNull();
  });
});
