import type { ClientAdapter } from './client-adapter.ts';
import { createJsonClientAdapter } from './json-client.ts';
import { joinFor } from './platform-paths.ts';
import { readStandardEntry, writeStandardEntry } from './standard-entry.ts';

/**
 * Claude Code: user-scope servers are the top-level `mcpServers` of `~/.claude.json` (inside
 * `$CLAUDE_CONFIG_DIR` when that is set); project scope is `.mcp.json` at the project root. Remote entries
 * carry `"type": "http"`. Claude Code rewrites `~/.claude.json` itself with plain JSON, so it must stay plain.
 */
export const claudeCode: ClientAdapter = createJsonClientAdapter({
  id: 'claude-code',
  displayName: 'Claude Code',
  supportsHttp: true,
  restartHint: 'Start a new Claude Code session (or run /mcp) to load it.',
  dialect: { comments: false, trailingCommas: false, reader: 'Claude Code' },
  containerKey: 'mcpServers',
  configPaths(ctx) {
    const configDir = ctx.env.CLAUDE_CONFIG_DIR;
    const user =
      configDir === undefined || configDir === ''
        ? {
            scope: 'user' as const,
            path: joinFor(ctx, ctx.home, '.claude.json'),
            label: 'user',
            markers: [joinFor(ctx, ctx.home, '.claude')],
          }
        : {
            scope: 'user' as const,
            path: joinFor(ctx, configDir, '.claude.json'),
            label: 'user',
            markers: [configDir],
          };
    if (ctx.projectDir === undefined) return [user];
    return [
      user,
      { scope: 'project', path: joinFor(ctx, ctx.projectDir, '.mcp.json'), label: 'project', markers: [] },
    ];
  },
  toNative: (entry) => writeStandardEntry(entry, { urlKey: 'url', withType: true }),
  fromNative: (name, value) => readStandardEntry(name, value, ['url']),
  ownedKeys: ['type', 'url', 'headers', 'command', 'args', 'env'],
});
