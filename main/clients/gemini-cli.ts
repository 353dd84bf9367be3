import type { ClientAdapter } from './client-adapter.ts';
import { createJsonClientAdapter } from './json-client.ts';
import { joinFor } from './platform-paths.ts';
import { readStandardEntry, writeStandardEntry } from './standard-entry.ts';

/**
 * Gemini CLI: `mcpServers` in `~/.gemini/settings.json` (the home is `$GEMINI_CLI_HOME` when set) and in a
 * project's `.gemini/settings.json`. Streamable HTTP is `httpUrl` (`url` alone meant SSE in older releases,
 * newer ones also take `url` + `"type": "http"`), with `headers`. The CLI strips comments before `JSON.parse`,
 * so comments are fine and trailing commas are not.
 */
export const geminiCli: ClientAdapter = createJsonClientAdapter({
  id: 'gemini-cli',
  displayName: 'Gemini CLI',
  supportsHttp: true,
  restartHint: 'Restart Gemini CLI to load it (check with /mcp).',
  dialect: { comments: true, trailingCommas: false, reader: 'Gemini CLI' },
  containerKey: 'mcpServers',
  configPaths(ctx) {
    const base = ctx.env.GEMINI_CLI_HOME || ctx.home;
    const dir = joinFor(ctx, base, '.gemini');
    const user = {
      scope: 'user' as const,
      path: joinFor(ctx, dir, 'settings.json'),
      label: 'user',
      markers: [dir],
    };
    if (ctx.projectDir === undefined) return [user];
    return [
      user,
      {
        scope: 'project',
        path: joinFor(ctx, ctx.projectDir, '.gemini', 'settings.json'),
        label: 'project',
        markers: [],
      },
    ];
  },
  toNative: (entry) => writeStandardEntry(entry, { urlKey: 'httpUrl', withType: false }),
  fromNative: (name, value) => readStandardEntry(name, value, ['httpUrl', 'url']),
  ownedKeys: ['type', 'httpUrl', 'url', 'headers', 'command', 'args', 'env'],
});
