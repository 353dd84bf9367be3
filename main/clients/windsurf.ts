import type { ClientAdapter } from './client-adapter.ts';
import { createJsonClientAdapter } from './json-client.ts';
import { joinFor } from './platform-paths.ts';
import { readStandardEntry, writeStandardEntry } from './standard-entry.ts';

/**
 * Windsurf (Cascade): `~/.codeium/windsurf/mcp_config.json` on every platform (`%USERPROFILE%` on Windows).
 * Remote servers use `serverUrl` (a Cursor-style `url` is also read) plus `headers`.
 */
export const windsurf: ClientAdapter = createJsonClientAdapter({
  id: 'windsurf',
  displayName: 'Windsurf',
  supportsHttp: true,
  restartHint: "Press refresh in Windsurf's MCP panel (or restart Windsurf) to load it.",
  dialect: { comments: true, trailingCommas: false, reader: 'Windsurf' },
  containerKey: 'mcpServers',
  configPaths(ctx) {
    const dir = joinFor(ctx, ctx.home, '.codeium', 'windsurf');
    return [{ scope: 'user', path: joinFor(ctx, dir, 'mcp_config.json'), label: 'user', markers: [dir] }];
  },
  toNative: (entry) => writeStandardEntry(entry, { urlKey: 'serverUrl', withType: false }),
  fromNative: (name, value) => readStandardEntry(name, value, ['serverUrl', 'url']),
  ownedKeys: ['type', 'serverUrl', 'url', 'headers', 'command', 'args', 'env'],
});
