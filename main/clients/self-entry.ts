import path from 'node:path';
import type { ImportedServer } from './client-adapter.ts';
import { SWITCHBOARD_ENTRY_NAME } from './switchboard-entry.ts';

/** What identifies Switchboard's own entry in a client file, so importing never adds Switchboard to itself. */
export interface SelfIdentity {
  /** The gateway URL clients are given (any loopback host name counts as the same host). */
  gatewayUrl?: string;
  /** The bridge script path given to stdio-only clients. */
  bridgeScript?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether an entry is Switchboard itself: our entry name, our gateway's address, or our bridge. */
export function pointsAtSwitchboard(server: ImportedServer, self: SelfIdentity = {}): boolean {
  if (server.name === SWITCHBOARD_ENTRY_NAME) return true;
  if (server.transport === 'http' || server.transport === 'sse') {
    return self.gatewayUrl !== undefined && sameEndpoint(server.url, self.gatewayUrl);
  }
  if (server.transport === 'stdio') {
    if (self.bridgeScript !== undefined && server.args.some((a) => samePath(a, self.bridgeScript as string)))
      return true;
    const mentionsUs = [server.command, ...server.args].some((part) => /switchboard/i.test(part));
    return mentionsUs && server.args.includes('bridge');
  }
  return false;
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
