import path from 'node:path';
import type { ImportedServer } from './client-adapter.ts';
import { looksSecretValue } from '../lib/secret-detection.ts';
import { SWITCHBOARD_ENTRY_NAME } from './switchboard-entry.ts';

/** What identifies Switchboard's own entry in a client file, so importing never adds Switchboard to itself. */
export interface SelfIdentity {
  /** The gateway URL clients are given (any loopback host name counts as the same host). */
  gatewayUrl?: string;
  /** The bridge script path given to stdio-only clients. */
  bridgeScript?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Whether an entry is Switchboard itself: our gateway's address, our bridge, or — under our entry name — any
 * loopback URL carrying one of our client tokens (an old port, a revoked token: still ours, to be updated).
 * A person's own server that happens to be called `switchboard` is not.
 */
export function pointsAtSwitchboard(server: ImportedServer, self: SelfIdentity = {}): boolean {
  if (isSwitchboardEntry(server, self)) return true;
  if (server.name === SWITCHBOARD_ENTRY_NAME) return false;
  if (server.transport === 'http' || server.transport === 'sse') {
    return self.gatewayUrl !== undefined && sameEndpoint(server.url, self.gatewayUrl);
  }
  return false;
}

/**
 * Whether an entry was written by Switchboard (whatever its name): the bridge, or a loopback URL with one of
 * our `sbt_` client tokens or our gateway's address. What tells "ours, outdated" from "theirs" in a file.
 */
export function isSwitchboardEntry(server: ImportedServer, self: SelfIdentity = {}): boolean {
  if (server.transport === 'http' || server.transport === 'sse') {
    if (self.gatewayUrl !== undefined && sameEndpoint(server.url, self.gatewayUrl)) return true;
    return isLoopbackUrl(server.url) && carriesClientToken(server.headers);
  }
  if (server.transport === 'stdio') {
    if (self.bridgeScript !== undefined && server.args.some((a) => samePath(a, self.bridgeScript as string)))
      return true;
    const mentionsUs = [server.command, ...server.args].some((part) => /switchboard/i.test(part));
    return mentionsUs && server.args.includes('bridge');
  }
  return false;
}

/** A short description of an entry for messages: what it runs or where it points (never a header value). */
export function describeEntry(server: ImportedServer): string {
  if (server.transport === 'stdio') {
    const args = server.args.map((arg) =>
      looksSecretValue(arg) || /:\/\/[^/\s]*@/.test(arg) ? '****' : arg,
    );
    return `it runs "${[server.command, ...args].join(' ')}"`;
  }
  if (server.transport === 'unsupported') return server.reason;
  try {
    const url = new URL(server.url);
    return `it points at ${url.origin}${url.pathname}`;
  } catch {
    return 'it points at another address';
  }
}

function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK.has(new URL(value).hostname);
  } catch {
    return false;
  }
}

function carriesClientToken(headers: Record<string, string>): boolean {
  return Object.entries(headers).some(
    ([key, value]) => key.toLowerCase() === 'authorization' && /^\s*bearer\s+sbt_\S+\s*$/i.test(value),
  );
}

function sameEndpoint(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    const host = (u: URL) => (LOOPBACK.has(u.hostname) ? 'loopback' : u.hostname);
    return host(x) === host(y) && x.port === y.port && x.protocol === y.protocol;
  } catch {
    return false;
  }
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => path.win32.normalize(p).toLowerCase();
  return a === b || norm(a) === norm(b);
}
