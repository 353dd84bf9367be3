import { describe, expect, it } from 'vitest';
import { unwrapUri, wrapUri } from '../../../../main/gateway/core/resource-uris.ts';

describe('resource URI mapping', () => {
  const cases = [
    'file:///home/a/notes.md',
    'mem://items/1?x=1&y=2#frag',
    'https://example.com/a%20b',
    'db://users/ünïcode stays',
    'custom:opaque',
    'switchboard://nested/file:///x',
    'a\nb',
  ];

  it('round-trips every URI exactly', () => {
    for (const uri of cases) {
      const wrapped = wrapUri('fs', uri);
      expect(wrapped.startsWith('switchboard://fs/')).toBe(true);
      expect(unwrapUri(wrapped)).toEqual({ prefix: 'fs', uri });
    }
  });

  it('keeps templates usable: a client expansion unwraps to the upstream expansion', () => {
    const template = wrapUri('echo', 'mem://items/{id}');
    expect(template).toBe('switchboard://echo/mem://items/{id}');
    const expanded = template.replace('{id}', 'a%2Fb');
    expect(unwrapUri(expanded)).toEqual({ prefix: 'echo', uri: 'mem://items/a%2Fb' });
  });

  it('parses as a URL with our scheme and the prefix as host', () => {
    const url = new URL(wrapUri('my-srv_1', 'file:///x'));
    expect(url.protocol).toBe('switchboard:');
    expect(url.host).toBe('my-srv_1');
  });

  it('rejects URIs that are not ours', () => {
    expect(unwrapUri('file:///x')).toBeUndefined();
    expect(unwrapUri('switchboard://fs/')).toBeUndefined();
    expect(unwrapUri('switchboard://Bad/x')).toBeUndefined();
    expect(unwrapUri('switchboard:/fs/x')).toBeUndefined();
    expect(unwrapUri('SWITCHBOARD://fs/x')).toBeUndefined();
  });
});
