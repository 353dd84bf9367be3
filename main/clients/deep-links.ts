import type { ClientId } from './client-adapter.ts';
import { isObject } from './json-values.ts';
import { writeStandardEntry } from './standard-entry.ts';
import type { SwitchboardEntry } from './switchboard-entry.ts';

/**
 * One-click install links, for clients that register a URL handler for them. Both carry the server entry in
 * the client's own mcp.json vocabulary — for Switchboard that includes the bearer token, so a link is as
 * secret as the config file it replaces. Formats (docs/decisions/client-deep-links.md):
 *
 * - Cursor: `cursor://anysphere.cursor-deeplink/mcp/install?name=NAME&config=BASE64(JSON of the entry)`
 *   (cursor.com/docs/mcp/install-links).
 * - VS Code: `vscode:mcp/install?` + URI-encoded JSON of `{ name, ...entry }`, the object `code --add-mcp`
 *   takes (`vscode-insiders:` for Insiders); the handler is microsoft/vscode
 *   `src/vs/workbench/contrib/mcp/browser/mcpUrlHandler.ts`, which `JSON.parse(decodeURIComponent(query))`s it.
 */

const CURSOR_PREFIX = 'cursor://anysphere.cursor-deeplink/mcp/install?';

/** A decoded install link: which client, the entry name and the entry itself. */
export interface InstallLink {
  client: 'cursor' | 'vscode';
  name: string;
  config: Record<string, unknown>;
}

/** Cursor's install link for one server entry (`config` as it would stand in `mcpServers`). */
export function cursorInstallLink(name: string, config: Record<string, unknown>): string {
  const encoded = Buffer.from(JSON.stringify(config), 'utf8').toString('base64');
  // Base64 has `+`, `/` and `=`, which a query string would mangle (`+` reads as a space): encode them.
  return `${CURSOR_PREFIX}name=${encodeURIComponent(name)}&config=${encodeURIComponent(encoded)}`;
}

/** VS Code's install link for one server entry (`config` as it would stand in `servers`). */
export function vscodeInstallLink(
  name: string,
  config: Record<string, unknown>,
  options: { insiders?: boolean } = {},
): string {
  const scheme = options.insiders === true ? 'vscode-insiders' : 'vscode';
  return `${scheme}:mcp/install?${encodeURIComponent(JSON.stringify({ name, ...config }))}`;
}

/** Whether a client has an install link at all. */
export function hasInstallLink(clientId: ClientId): clientId is 'cursor' | 'vscode' {
  return clientId === 'cursor' || clientId === 'vscode';
}

/** The link that installs `entry` in the client, written exactly as that client's config module would write it. */
export function installLinkFor(clientId: ClientId, entry: SwitchboardEntry): string | undefined {
  if (clientId === 'cursor')
    return cursorInstallLink(entry.name, writeStandardEntry(entry, { urlKey: 'url', withType: false }));
  if (clientId === 'vscode')
    return vscodeInstallLink(entry.name, writeStandardEntry(entry, { urlKey: 'url', withType: true }));
  return undefined;
}

/** Decodes a link made by this module (or by anyone following the same formats); undefined when it is not one. */
export function parseInstallLink(link: string): InstallLink | undefined {
  try {
    if (link.startsWith(CURSOR_PREFIX)) {
      const params = new URLSearchParams(link.slice(CURSOR_PREFIX.length));
      const name = params.get('name');
      const config = params.get('config');
      if (name === null || config === null) return undefined;
      const parsed: unknown = JSON.parse(Buffer.from(config, 'base64').toString('utf8'));
      return isObject(parsed) ? { client: 'cursor', name, config: parsed } : undefined;
    }
    const vscode = /^vscode(-insiders)?:mcp\/install\?(.*)$/s.exec(link);
    if (vscode?.[2] !== undefined) {
      const parsed: unknown = JSON.parse(decodeURIComponent(vscode[2]));
      if (!isObject(parsed) || typeof parsed.name !== 'string') return undefined;
      const { name, ...config } = parsed;
      return { client: 'vscode', name, config };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
