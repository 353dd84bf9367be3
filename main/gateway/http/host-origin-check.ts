/**
 * DNS-rebinding protection, as one pure function. A web page on evil.example can make the victim's
 * browser resolve its own name to 127.0.0.1 and talk to us: the browser then sends `Host: evil.example`
 * (and possibly no Origin at all on same-origin requests), so the Host check is the one that cannot be
 * skipped. See https://modelcontextprotocol.io/specification/2025-11-25/basic/security_best_practices
 */

/** Hostnames that always mean this machine (as they appear in Host headers and URL.hostname). */
export const LOOPBACK_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export type HostOriginVerdict = { ok: true } | { ok: false; reason: string };

export interface HostOriginHeaders {
  host: string | null | undefined;
  origin: string | null | undefined;
}

/**
 * Accepts a request only when Host is a loopback name WITH our port, and Origin, when present, is a
 * loopback http(s) origin (any port: another local app still needs a token, and browsers block its
 * cross-origin reads). `Origin: null` (sandboxed frames, file:// pages) is rejected.
 */
export function checkHostAndOrigin(headers: HostOriginHeaders, port: number): HostOriginVerdict {
  const host = headers.host;
  if (host === null || host === undefined || host === '') return { ok: false, reason: 'missing Host header' };
  if (!isLoopbackHostWithPort(host, port)) {
    return {
      ok: false,
      reason: `Host "${truncate(host)}" is not this gateway (expected localhost:${port}, 127.0.0.1:${port} or [::1]:${port})`,
    };
  }
  const origin = headers.origin;
  if (origin === null || origin === undefined) return { ok: true };
  if (!isLoopbackOrigin(origin))
    return { ok: false, reason: `Origin "${truncate(origin)}" is not a local origin` };
  return { ok: true };
}

/** True when `host` (a Host header value) names a loopback address and exactly `port`. */
export function isLoopbackHostWithPort(host: string, port: number): boolean {
  const lower = host.toLowerCase();
  let hostname: string;
  let rest: string;
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    if (end === -1) return false;
    hostname = lower.slice(0, end + 1);
    rest = lower.slice(end + 1);
  } else {
    const colon = lower.indexOf(':');
    if (colon === -1) return false; // our port is never 80, so a Host without a port is not for us
    hostname = lower.slice(0, colon);
    rest = lower.slice(colon);
  }
  // Exact string match on the port: "017517" or "+17517" are not what any real client sends.
  return LOOPBACK_HOSTNAMES.includes(hostname) && rest === `:${port}`;
}

/** True when `origin` (an Origin header value) is an http(s) origin on a loopback hostname. */
export function isLoopbackOrigin(origin: string): boolean {
  if (origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes several Origin headers folded into one "a, b" value
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // An Origin is scheme://host[:port] only; anything more is not a browser-sent Origin.
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    return false;
  if (origin.endsWith('/')) return false;
  return LOOPBACK_HOSTNAMES.includes(url.hostname);
}

// Header values end up in an error body and the log: keep them short.
function truncate(value: string): string {
  return value.length > 100 ? `${value.slice(0, 100)}…` : value;
}
