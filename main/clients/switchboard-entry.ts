import { SwitchboardError } from '../lib/errors.ts';

/** The name our entry has in every client's file. */
export const SWITCHBOARD_ENTRY_NAME = 'switchboard';

/**
 * What we put into a client's file: the gateway URL plus that client's bearer token for clients that speak
 * HTTP, or the stdio bridge for clients that only start local commands (Claude Desktop). Where the bridge
 * runtime and script live is decided by the caller; this module only carries the absolute paths it is given.
 */
export type SwitchboardEntry =
  | { name: string; kind: 'http'; url: string; token: string }
  | { name: string; kind: 'stdio'; command: string; args: string[]; env?: Record<string, string> };

/** A stdio bridge command: an absolute runtime path and its arguments, e.g. `[bridgeScript, 'bridge']`. */
export interface BridgeCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Builds the HTTP entry, checking the URL and token so no client file ever gets a broken one. */
export function httpEntry(url: string, token: string, name = SWITCHBOARD_ENTRY_NAME): SwitchboardEntry {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SwitchboardError('VALIDATION', `gateway URL "${url}" is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SwitchboardError('VALIDATION', `gateway URL "${url}" must be http:// or https://`);
  }
  // A token goes into an HTTP header value: visible ASCII only, so it can never break the header line.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new SwitchboardError(
      'VALIDATION',
      'the client token must be non-empty printable ASCII without spaces',
    );
  }
  return { name, kind: 'http', url, token };
}

/** Builds the stdio bridge entry from absolute paths decided elsewhere. */
export function bridgeEntry(bridge: BridgeCommand, name = SWITCHBOARD_ENTRY_NAME): SwitchboardEntry {
  if (!isAbsolute(bridge.command)) {
    throw new SwitchboardError(
      'VALIDATION',
      `the bridge command must be an absolute path, got "${bridge.command}"`,
    );
  }
  return {
    name,
    kind: 'stdio',
    command: bridge.command,
    args: [...bridge.args],
    ...(bridge.env === undefined ? {} : { env: { ...bridge.env } }),
  };
}

/** The entry a client should get: HTTP when it can speak HTTP, otherwise the bridge. */
export function entryForClient(
  client: { supportsHttp: boolean; displayName: string },
  options: { gatewayUrl: string; token: string; bridge?: BridgeCommand },
): SwitchboardEntry {
  if (client.supportsHttp) return httpEntry(options.gatewayUrl, options.token);
  if (options.bridge === undefined) {
    throw new SwitchboardError(
      'VALIDATION',
      `${client.displayName} needs the stdio bridge, but no bridge command was given`,
    );
  }
  return bridgeEntry(options.bridge);
}

/** The Authorization header value every HTTP entry carries. */
export function bearerHeader(token: string): string {
  return `Bearer ${token}`;
}

function isAbsolute(p: string): boolean {
  // Both POSIX and Windows forms: the app may build an entry for either platform.
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}
