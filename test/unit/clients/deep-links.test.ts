import { describe, expect, it } from 'vitest';
import {
  cursorInstallLink,
  hasInstallLink,
  installLinkFor,
  parseInstallLink,
  vscodeInstallLink,
} from '../../../main/clients/deep-links.ts';
import { httpEntry } from '../../../main/clients/switchboard-entry.ts';

/**
 * The pure install-link builders (docs/decisions/client-deep-links.md). The links printed by
 * `connect --print-link` are used against a real gateway in
 * test/integration/clients/gateway-e2e.test.ts.
 */

const TOKEN = 'sbt_0123456789abcdefghijABCDEFGHIJ-_0123456789';
const entry = httpEntry('http://127.0.0.1:17517/mcp', TOKEN);

describe('Cursor install link', () => {
  it('is name + base64 of the mcp.json entry, with the base64 percent-encoded', () => {
    const link = cursorInstallLink('my server', { url: 'http://x/mcp?a=1&b=2' });
    expect(link.startsWith('cursor://anysphere.cursor-deeplink/mcp/install?name=my%20server&config=')).toBe(
      true,
    );
    const config = new URLSearchParams(link.split('?')[1]).get('config') ?? '';
    expect(JSON.parse(Buffer.from(config, 'base64').toString('utf8'))).toEqual({
      url: 'http://x/mcp?a=1&b=2',
    });
    // `+`, `/` and `=` of base64 never appear raw in the query string.
    expect(link.split('config=')[1]).not.toMatch(/[+/=]/);
  });

  it("carries Switchboard's entry exactly as the Cursor config module writes it", () => {
    const link = installLinkFor('cursor', entry) ?? '';
    expect(parseInstallLink(link)).toEqual({
      client: 'cursor',
      name: 'switchboard',
      config: { url: 'http://127.0.0.1:17517/mcp', headers: { Authorization: `Bearer ${TOKEN}` } },
    });
  });
});

describe('VS Code install link', () => {
  it('is the URI-encoded JSON of { name, ...entry } after vscode:mcp/install?', () => {
    const link = vscodeInstallLink('switchboard', { type: 'http', url: 'http://127.0.0.1:1/mcp' });
    expect(link).toBe(
      'vscode:mcp/install?' +
        encodeURIComponent('{"name":"switchboard","type":"http","url":"http://127.0.0.1:1/mcp"}'),
    );
    // What VS Code's handler does with it: JSON.parse(decodeURIComponent(query)).
    expect(JSON.parse(decodeURIComponent(link.slice('vscode:mcp/install?'.length)))).toEqual({
      name: 'switchboard',
      type: 'http',
      url: 'http://127.0.0.1:1/mcp',
    });
    expect(vscodeInstallLink('s', {}, { insiders: true })).toBe(
      'vscode-insiders:mcp/install?' + encodeURIComponent('{"name":"s"}'),
    );
  });

  it("carries Switchboard's entry with type http, as the VS Code config module writes it", () => {
    expect(parseInstallLink(installLinkFor('vscode', entry) ?? '')).toEqual({
      client: 'vscode',
      name: 'switchboard',
      config: {
        type: 'http',
        url: 'http://127.0.0.1:17517/mcp',
        headers: { Authorization: `Bearer ${TOKEN}` },
      },
    });
  });
});

describe('which clients have links', () => {
  it('only Cursor and VS Code', () => {
    for (const id of ['claude-desktop', 'claude-code', 'windsurf', 'codex', 'gemini-cli'] as const) {
      expect(hasInstallLink(id)).toBe(false);
      expect(installLinkFor(id, entry)).toBeUndefined();
    }
    expect(hasInstallLink('cursor') && hasInstallLink('vscode')).toBe(true);
  });

  it('parseInstallLink rejects anything else', () => {
    for (const link of [
      'https://example.com',
      'cursor://anysphere.cursor-deeplink/mcp/install?name=x',
      'cursor://anysphere.cursor-deeplink/mcp/install?name=x&config=not-base64-json',
      'vscode:mcp/install?%7Bbroken',
      'vscode:mcp/install?' + encodeURIComponent('{"type":"http"}'),
    ]) {
      expect(parseInstallLink(link), link).toBeUndefined();
    }
  });
});
