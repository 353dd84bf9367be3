import { describe, expect, it } from 'vitest';
import {
  checkHostAndOrigin,
  isLoopbackHostWithPort,
  isLoopbackOrigin,
} from '../../../../main/gateway/http/host-origin-check.ts';

const PORT = 17517;

describe('isLoopbackHostWithPort', () => {
  it.each(['localhost:17517', '127.0.0.1:17517', '[::1]:17517', 'LOCALHOST:17517', 'LocalHost:17517'])(
    'accepts %s',
    (host) => {
      expect(isLoopbackHostWithPort(host, PORT)).toBe(true);
    },
  );
  it.each([
    'localhost',
    '127.0.0.1',
    '[::1]',
    'localhost:80',
    'localhost:17518',
    'localhost:017517',
    'localhost:+17517',
    'localhost:17517 ',
    'evil.example:17517',
    'localhost.evil.example:17517',
    '127.0.0.1.nip.io:17517',
    '127.0.0.2:17517',
    '0.0.0.0:17517',
    '[::2]:17517',
    '[::1',
    '::1:17517',
    '[::ffff:127.0.0.1]:17517',
    'localhost.:17517',
    'user@localhost:17517',
    '',
    ':17517',
    'localhost:17517:17517',
    '[::1]17517',
  ])('rejects %s', (host) => {
    expect(isLoopbackHostWithPort(host, PORT)).toBe(false);
  });
});

describe('isLoopbackOrigin', () => {
  it.each([
    'http://localhost:3000',
    'http://127.0.0.1:17517',
    'http://[::1]:8080',
    'https://localhost',
    'http://LOCALHOST:1',
  ])('accepts %s', (origin) => {
    expect(isLoopbackOrigin(origin)).toBe(true);
  });
  it.each([
    'null',
    'http://evil.example',
    'https://localhost.evil.example',
    'http://127.0.0.1.nip.io',
    'file://',
    'file:///etc',
    'chrome-extension://abcdef',
    'ws://localhost:1',
    'http://localhost:1/path',
    'http://localhost:1/',
    'http://user@localhost:1',
    'http://localhost, http://evil.example',
    'localhost:3000',
    '',
    'http://[::2]:1',
    'http://0.0.0.0:1',
  ])('rejects %s', (origin) => {
    expect(isLoopbackOrigin(origin)).toBe(false);
  });
});

describe('checkHostAndOrigin', () => {
  it('accepts a loopback Host with our port and no Origin (non-browser clients)', () => {
    expect(checkHostAndOrigin({ host: '127.0.0.1:17517', origin: undefined }, PORT)).toEqual({ ok: true });
  });
  it('accepts a loopback Origin on another port (a local tool page; the token still guards it)', () => {
    expect(checkHostAndOrigin({ host: 'localhost:17517', origin: 'http://localhost:6274' }, PORT)).toEqual({
      ok: true,
    });
  });
  it('rejects a missing Host', () => {
    expect(checkHostAndOrigin({ host: undefined, origin: undefined }, PORT)).toMatchObject({
      ok: false,
      reason: 'missing Host header',
    });
  });
  it('rejects a rebinding Host even with a loopback Origin', () => {
    expect(
      checkHostAndOrigin({ host: 'evil.example:17517', origin: 'http://localhost:17517' }, PORT).ok,
    ).toBe(false);
  });
  it('rejects Origin: null and foreign origins', () => {
    expect(checkHostAndOrigin({ host: 'localhost:17517', origin: 'null' }, PORT).ok).toBe(false);
    expect(checkHostAndOrigin({ host: 'localhost:17517', origin: 'https://evil.example' }, PORT).ok).toBe(
      false,
    );
  });
  it('keeps hostile values short in the reason', () => {
    const verdict = checkHostAndOrigin({ host: 'x'.repeat(5000), origin: undefined }, PORT);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason.length).toBeLessThan(300);
  });
});
