import type { ClientAdapter } from './client-adapter.ts';
import { createJsonClientAdapter } from './json-client.ts';
import { appDataDir, joinFor } from './platform-paths.ts';
import { readStandardEntry, writeStandardEntry } from './standard-entry.ts';

/**
 * VS Code (GitHub Copilot agent mode): `mcp.json` in the user profile folder (`Code/User` under the app-data
 * folder; `Code - Insiders/User` for Insiders) and `.vscode/mcp.json` in a workspace. Servers live under
 * `servers`, each with a `type` of `stdio`, `http` or `sse`. The file is JSONC: comments and trailing commas.
 */
export const vscode: ClientAdapter = createJsonClientAdapter({
  id: 'vscode',
  displayName: 'VS Code',
  supportsHttp: true,
  restartHint:
    'VS Code notices the change; start Switchboard from the MCP Servers list (or reload the window) to load it.',
  dialect: { comments: true, trailingCommas: true, reader: 'VS Code' },
  containerKey: 'servers',
  configPaths(ctx) {
    const stable = joinFor(ctx, appDataDir(ctx), 'Code', 'User');
    const insiders = joinFor(ctx, appDataDir(ctx), 'Code - Insiders', 'User');
    const locations = [
      { scope: 'user' as const, path: joinFor(ctx, stable, 'mcp.json'), label: 'user', markers: [stable] },
      {
        scope: 'user' as const,
        path: joinFor(ctx, insiders, 'mcp.json'),
        label: 'Insiders user',
        markers: [insiders],
      },
    ];
    if (ctx.projectDir === undefined) return locations;
    return [
      ...locations,
      {
        scope: 'project',
        path: joinFor(ctx, ctx.projectDir, '.vscode', 'mcp.json'),
        label: 'workspace',
        markers: [],
      },
    ];
  },
  toNative: (entry) => writeStandardEntry(entry, { urlKey: 'url', withType: true }),
  fromNative: (name, value) => readStandardEntry(name, value, ['url']),
  ownedKeys: ['type', 'url', 'headers', 'command', 'args', 'env'],
});
