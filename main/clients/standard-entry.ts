import type { ImportedServer } from './client-adapter.ts';
import { isObject, stringArray, stringRecord } from './json-values.ts';
import { bearerHeader, type SwitchboardEntry } from './switchboard-entry.ts';

/**
 * The Claude-Desktop-shaped entry most clients share (`command`/`args`/`env`, or a URL plus `headers`),
 * read and written with per-client differences passed in: which key holds the URL and whether `type` is written.
 */

/** Reads one entry; `urlKeys` are tried in order (Gemini: `httpUrl` means Streamable HTTP whatever `type` says). */
export function readStandardEntry(
  name: string,
  value: Record<string, unknown>,
  urlKeys: string[],
): ImportedServer {
  const disabled = value.disabled === true ? { disabled: true } : {};
  if (typeof value.command === 'string' && value.command.trim() !== '') {
    return {
      name,
      transport: 'stdio',
      command: value.command,
      args: stringArray(value.args),
      env: stringRecord(value.env),
      ...(typeof value.cwd === 'string' ? { cwd: value.cwd } : {}),
      ...disabled,
    };
  }
  for (const key of urlKeys) {
    const url = value[key];
    if (typeof url !== 'string' || url.trim() === '') continue;
    const transport = key === 'httpUrl' ? 'http' : remoteTransport(url, value.type);
    return {
      name,
      transport,
      url,
      headers: isObject(value.headers) ? stringRecord(value.headers) : {},
      ...disabled,
    };
  }
  return { name, transport: 'unsupported', reason: 'it has neither a command nor a URL' };
}

/**
 * The transport of a URL entry: an explicit `type` wins; otherwise a path ending in `/sse` is the legacy SSE
 * transport (the convention every client documents) and anything else is Streamable HTTP.
 */
export function remoteTransport(url: string, type: unknown): 'http' | 'sse' {
  if (typeof type === 'string') {
    const t = type.toLowerCase().replace(/[-_]/g, '');
    if (t === 'sse') return 'sse';
    if (t === 'http' || t === 'streamablehttp') return 'http';
  }
  try {
    return /\/sse\/?$/.test(new URL(url).pathname) ? 'sse' : 'http';
  } catch {
    return 'http';
  }
}

/** Writes our entry in the shared shape; `urlKey` and `withType` carry the client's differences. */
export function writeStandardEntry(
  entry: SwitchboardEntry,
  options: { urlKey: string; withType: boolean },
): Record<string, unknown> {
  if (entry.kind === 'http') {
    return {
      ...(options.withType ? { type: 'http' } : {}),
      [options.urlKey]: entry.url,
      headers: { Authorization: bearerHeader(entry.token) },
    };
  }
  return {
    ...(options.withType ? { type: 'stdio' } : {}),
    command: entry.command,
    args: entry.args,
    ...(entry.env === undefined ? {} : { env: entry.env }),
  };
}
