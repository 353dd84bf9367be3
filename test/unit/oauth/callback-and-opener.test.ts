import { describe, expect, it } from 'vitest';
import { tapAuthorizationUrls } from '../../../main/oauth/authorization-url-capture.ts';
import { assertOpenableUrl, createCliOpener, systemOpenCommand } from '../../../main/oauth/browser-opener.ts';
import { callbackPage } from '../../../main/oauth/callback-page.ts';

describe('callback page', () => {
  it('says connected, and is never cached or referred', () => {
    const page = callbackPage({ ok: true, serverName: 'GitHub' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('Connected to GitHub');
    expect(page.html).toContain('You can close this tab');
    expect(page.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('escapes what went wrong (it may come from the authorization server)', () => {
    const page = callbackPage({ ok: false, message: '<script>alert(1)</script>' });
    expect(page.status).toBe(400);
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain('&#60;script&#62;');
  });
});

describe('browser opener URL check', () => {
  it.each(['https://auth.example/authorize?x=1', 'http://127.0.0.1:8080/authorize', 'http://localhost/a'])(
    'opens %s',
    (url) => {
      expect(() => assertOpenableUrl(new URL(url))).not.toThrow();
    },
  );
  it.each([
    'http://auth.example/authorize',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'vscode://x',
    'https://user:pw@auth.example/',
  ])('refuses %s', (url) => {
    expect(() => assertOpenableUrl(new URL(url))).toThrow(/https:\/\//);
  });
  it('uses the platform opener without a shell', () => {
    expect(systemOpenCommand('linux', 'https://a/b')).toEqual(['xdg-open', ['https://a/b']]);
    expect(systemOpenCommand('darwin', 'https://a/b')).toEqual(['open', ['https://a/b']]);
    expect(systemOpenCommand('win32', 'https://a/b?x=1&y=2')[1]).toEqual([
      '/c',
      'start',
      '""',
      'https://a/b?x=1^&y=2',
    ]);
  });
});

describe('what the openers print (issue 12.10: serve must not log the whole authorization URL)', () => {
  const url = new URL('https://idp.example/authorize?state=STATE-canary&code_challenge=CHALLENGE-canary');

  it('a one-shot CLI prints the whole address for the person who ran it', async () => {
    const lines: string[] = [];
    await createCliOpener({ print: (t) => lines.push(t), tryOpen: false })(url);
    expect(lines.join('\n')).toContain(url.href);
  });

  it("a running hub's opener (tapped) prints the origin only: the window or the CLI shows the address", async () => {
    const lines: string[] = [];
    await tapAuthorizationUrls(createCliOpener({ print: (t) => lines.push(t), tryOpen: false }))(url);
    const printed = lines.join('\n');
    expect(printed).toContain('https://idp.example');
    expect(printed).not.toContain('STATE-canary');
    expect(printed).not.toContain('CHALLENGE-canary');
  });
});
