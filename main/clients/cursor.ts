import type { ClientAdapter } from './client-adapter.ts';
import { createJsonClientAdapter } from './json-client.ts';
import { joinFor } from './platform-paths.ts';
import { readStandardEntry, writeStandardEntry } from './standard-entry.ts';

/**
 * Cursor: `~/.cursor/mcp.json` (global; `%USERPROFILE%\.cursor\mcp.json` on Windows) and `.cursor/mcp.json`
 * in a project. Remote servers are `url` + `headers`; Cursor picks the transport itself. Cursor rejects a
 * trailing comma in this file, so that is treated as unreadable; comments are tolerated.
 */
export const cursor: ClientAdapter = createJsonClientAdapter({
  id: 'cursor',
  displayName: 'Cursor',
  supportsHttp: true,
  restartHint: 'Restart Cursor (or toggle Switchboard off and on in Cursor Settings → MCP) to load it.',
  dialect: { comments: true, trailingCommas: false, reader: 'Cursor' },
  containerKey: 'mcpServers',
  configPaths(ctx) {
    const dir = joinFor(ctx, ctx.home, '.cursor');
    const user = {
      scope: 'user' as const,
      path: joinFor(ctx, dir, 'mcp.json'),
      label: 'global',
      markers: [dir],
    };
    if (ctx.projectDir === undefined) return [user];
    return [
      user,
      {
        scope: 'project',
        path: joinFor(ctx, ctx.projectDir, '.cursor', 'mcp.json'),
        label: 'project',
        markers: [],
      },
    ];
  },
  toNative: (entry) => writeStandardEntry(entry, { urlKey: 'url', withType: false }),
  fromNative: (name, value) => readStandardEntry(name, value, ['url']),
  ownedKeys: ['type', 'url', 'headers', 'command', 'args', 'env'],
});
