import { isDeepStrictEqual } from 'node:util';
import { parse, TomlError } from 'smol-toml';
import type { ClientAdapter, ConfigLocation, ConfigPathContext, ImportedServer } from './client-adapter.ts';
import { unreadableConfig } from './config-errors.ts';
import { detectFromLocations } from './detect-client.ts';
import { isObject, plainValue, stringArray, stringRecord } from './json-values.ts';
import { joinFor } from './platform-paths.ts';
import { bearerHeader, type SwitchboardEntry } from './switchboard-entry.ts';
import { detectEol, splitBom } from './text-format.ts';
import { tomlKey, tomlString, type TomlItem } from './toml-scan.ts';
import { appendTable, findTable, removeTable, type TableExtent } from './toml-table-edit.ts';
import { errorMessage } from '../lib/errors.ts';

/**
 * Codex: `[mcp_servers.NAME]` tables in `~/.codex/config.toml` (`$CODEX_HOME/config.toml` when set) and in a
 * trusted project's `.codex/config.toml`. Streamable HTTP servers have `url`, literal headers in
 * `http_headers`, headers read from environment variables in `env_http_headers`, and `bearer_token_env_var`.
 * smol-toml drops comments, so edits are made on the text of our table only, and every edit is checked by
 * parsing the result and comparing it with what was intended.
 */

const OWNED = [
  'command',
  'args',
  'env',
  'env_vars',
  'cwd',
  'url',
  'bearer_token',
  'bearer_token_env_var',
  'http_headers',
  'env_http_headers',
];

type TomlTable = Record<string, unknown>;

export const codex: ClientAdapter = {
  id: 'codex',
  displayName: 'Codex',
  supportsHttp: true,
  restartHint: 'Start a new Codex session to load it (check with /mcp).',

  configPaths(ctx: ConfigPathContext): ConfigLocation[] {
    const home = ctx.env.CODEX_HOME || joinFor(ctx, ctx.home, '.codex');
    const user: ConfigLocation = {
      scope: 'user',
      path: joinFor(ctx, home, 'config.toml'),
      label: 'user',
      markers: [home],
    };
    if (ctx.projectDir === undefined) return [user];
    return [
      user,
      {
        scope: 'project',
        path: joinFor(ctx, ctx.projectDir, '.codex', 'config.toml'),
        label: 'project',
        markers: [],
      },
    ];
  },

  detect(fs, ctx) {
    return detectFromLocations(codex.configPaths(ctx), fs);
  },

  readServers(text, source) {
    const servers = serversOf(parseToml(text, source), source);
    return Object.entries(servers).map(([name, value]) =>
      isObject(value)
        ? fromNative(name, value)
        : { name, transport: 'unsupported' as const, reason: 'the entry is not a table' },
    );
  },

  writeEntry(text, entry, source) {
    const doc = parseToml(text, source);
    const current = serversOf(doc, source)[entry.name];
    const native = toNative(entry);
    if (isObject(current) && isCurrent(current, native)) return text;
    const { bom, body } = splitBom(text);
    const eol = detectEol(body);
    const path = ['mcp_servers', entry.name];
    let next: string;
    if (current === undefined) {
      next = appendTable(body, renderTable(entry.name, native, eol), eol);
    } else {
      const extent = findTable(body, path);
      if (extent === undefined) throw notOurLayout(source, entry.name);
      next =
        body.slice(0, extent.start) +
        renderUpdated(body, extent, entry.name, native, eol) +
        body.slice(extent.end);
    }
    verify(doc, next, entry.name, { ...keptKeys(current), ...native }, source);
    return bom + next;
  },

  removeEntry(text, name, source) {
    const doc = parseToml(text, source);
    if (serversOf(doc, source)[name] === undefined) return text;
    const { bom, body } = splitBom(text);
    const extent = findTable(body, ['mcp_servers', name]);
    if (extent === undefined) throw notOurLayout(source, name);
    const next = removeTable(body, extent, detectEol(body));
    verify(doc, next, name, undefined, source);
    return bom + next;
  },

  entryStatus(text, entry, source) {
    const current = serversOf(parseToml(text, source), source)[entry.name];
    if (current === undefined) return 'absent';
    return isObject(current) && isCurrent(current, toNative(entry)) ? 'current' : 'outdated';
  },
};

function toNative(entry: SwitchboardEntry): TomlTable {
  if (entry.kind === 'http')
    return { url: entry.url, http_headers: { Authorization: bearerHeader(entry.token) } };
  return { command: entry.command, args: entry.args, ...(entry.env === undefined ? {} : { env: entry.env }) };
}

function fromNative(name: string, value: TomlTable): ImportedServer {
  const disabled = value.enabled === false ? { disabled: true } : {};
  if (typeof value.command === 'string' && value.command.trim() !== '') {
    const env = stringRecord(value.env);
    // `env_vars` forwards variables from Codex's own environment: as references they become variables to fill.
    for (const item of Array.isArray(value.env_vars) ? value.env_vars : []) {
      const varName =
        typeof item === 'string'
          ? item
          : isObject(item) && typeof item.name === 'string'
            ? item.name
            : undefined;
      if (varName !== undefined && env[varName] === undefined) env[varName] = `\${${varName}}`;
    }
    return {
      name,
      transport: 'stdio',
      command: value.command,
      args: stringArray(value.args),
      env,
      ...(typeof value.cwd === 'string' ? { cwd: value.cwd } : {}),
      ...disabled,
    };
  }
  if (typeof value.url === 'string' && value.url.trim() !== '') {
    const headers = stringRecord(value.http_headers);
    for (const [header, varName] of Object.entries(stringRecord(value.env_http_headers)))
      headers[header] = `\${${varName}}`;
    if (typeof value.bearer_token_env_var === 'string')
      headers.Authorization = bearerHeader(`\${${value.bearer_token_env_var}}`);
    else if (typeof value.bearer_token === 'string') headers.Authorization = bearerHeader(value.bearer_token);
    // Codex speaks Streamable HTTP only; it has no SSE client.
    return { name, transport: 'http', url: value.url, headers, ...disabled };
  }
  return { name, transport: 'unsupported', reason: 'it has neither a command nor a url' };
}

function isCurrent(current: TomlTable, native: TomlTable): boolean {
  return OWNED.every((key) => isDeepStrictEqual(current[key], native[key]));
}

/** Keys of the existing entry that are not ours (startup_timeout_sec, enabled …): they must survive an update. */
function keptKeys(current: unknown): TomlTable {
  if (!isObject(current)) return {};
  return Object.fromEntries(Object.entries(current).filter(([key]) => !OWNED.includes(key)));
}

function renderTable(name: string, native: TomlTable, eol: string): string {
  return [`[mcp_servers.${tomlKey(name)}]`, ...renderStatements(native)].join(eol) + eol;
}

function renderStatements(native: TomlTable): string[] {
  return Object.entries(native).map(([key, value]) => `${tomlKey(key)} = ${renderValue(value)}`);
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return tomlString(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (isObject(value)) {
    const pairs = Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${renderValue(v)}`);
    return pairs.length === 0 ? '{}' : `{ ${pairs.join(', ')} }`;
  }
  return String(value);
}

/**
 * The updated table: the original header line and the comments right under it, our statements, then every
 * other line of the table as it was (comments, keys we do not own, subtables we do not own); owned statements
 * and owned subtables (`[mcp_servers.NAME.env]` …) are dropped.
 */
function renderUpdated(
  body: string,
  extent: TableExtent,
  name: string,
  native: TomlTable,
  eol: string,
): string {
  const [header, ...rest] = extent.items;
  if (header === undefined) return renderTable(name, native, eol);
  const text = (item: TomlItem) => body.slice(item.start, item.end);
  const headerText = text(header);
  const out = [/[\r\n]$/.test(headerText) ? headerText : headerText + eol];
  let i = 0;
  while (i < rest.length && rest[i]?.kind === 'comment') out.push(text(rest[i++] as TomlItem));
  out.push(
    renderStatements(native)
      .map((line) => line + eol)
      .join(''),
  );
  const kept: TomlItem[] = [];
  let dropping = false;
  for (const item of rest.slice(i)) {
    if (item.kind === 'header') dropping = OWNED.includes(item.path[2] ?? '');
    if (!dropping && !isOwnedStatement(item)) kept.push(item);
  }
  // Blank lines that separated a dropped subtable would otherwise pile up before the next table.
  while (kept[kept.length - 1]?.kind === 'blank') kept.pop();
  const joined = out.join('') + kept.map(text).join('');
  return /[\r\n]$/.test(joined) ? joined : joined + eol;
}

function isOwnedStatement(item: TomlItem): boolean {
  return item.kind === 'keyvalue' && OWNED.includes(item.key[0] ?? '');
}

/** Parses the new text and checks that only our entry changed, and to exactly what was intended. */
function verify(
  before: TomlTable,
  nextBody: string,
  name: string,
  expected: TomlTable | undefined,
  source?: string,
): void {
  let after: TomlTable;
  try {
    after = plainValue(parse(nextBody)) as TomlTable;
  } catch {
    throw unreadableConfig(source, 'Switchboard could not edit its entry without breaking the file');
  }
  const strip = (doc: TomlTable): TomlTable => {
    const servers = isObject(doc.mcp_servers) ? { ...doc.mcp_servers } : undefined;
    if (servers === undefined) return doc;
    delete servers[name];
    const rest: TomlTable = { ...doc };
    if (Object.keys(servers).length === 0) delete rest.mcp_servers;
    else rest.mcp_servers = servers;
    return rest;
  };
  const written = isObject(after.mcp_servers) ? after.mcp_servers[name] : undefined;
  if (!isDeepStrictEqual(strip(before), strip(after)) || !isDeepStrictEqual(written, expected)) {
    throw unreadableConfig(
      source,
      `its layout keeps Switchboard from editing the "${name}" entry without touching other settings`,
    );
  }
}

function parseToml(text: string, source?: string): TomlTable {
  const { body } = splitBom(text);
  try {
    return plainValue(parse(body)) as TomlTable;
  } catch (error) {
    if (error instanceof TomlError) {
      throw unreadableConfig(source, `invalid TOML: ${error.message.split('\n')[0] ?? 'syntax error'}`, {
        line: error.line,
        column: error.column,
      });
    }
    throw unreadableConfig(source, `invalid TOML: ${errorMessage(error)}`);
  }
}

function serversOf(doc: TomlTable, source?: string): TomlTable {
  const servers = doc.mcp_servers;
  if (servers === undefined) return {};
  if (!isObject(servers)) throw unreadableConfig(source, '"mcp_servers" must be a table of servers');
  return servers;
}

function notOurLayout(source: string | undefined, name: string) {
  return unreadableConfig(
    source,
    `the "${name}" entry is not written as a [mcp_servers.${name}] table, so Switchboard cannot edit it safely; remove it by hand`,
  );
}
