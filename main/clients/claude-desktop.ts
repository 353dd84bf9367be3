import { SwitchboardError } from '../lib/errors.ts';
import type { ClientAdapter } from './client-adapter.ts';
import { createJsonClientAdapter } from './json-client.ts';
import { appDataDir, joinFor } from './platform-paths.ts';
import { readStandardEntry, writeStandardEntry } from './standard-entry.ts';

/**
 * Claude Desktop: `claude_desktop_config.json` in the app-data folder (`~/Library/Application Support/Claude`,
 * `%APPDATA%\Claude`; `~/.config/Claude` for the community Linux builds). Its file only starts local commands,
 * so Switchboard reaches it through the stdio bridge. It reads the file with a plain JSON parser.
 */
export const claudeDesktop: ClientAdapter = createJsonClientAdapter({
  id: 'claude-desktop',
  displayName: 'Claude Desktop',
  supportsHttp: false,
  restartHint: 'Quit and reopen Claude Desktop to load it.',
  dialect: { comments: false, trailingCommas: false, reader: 'Claude Desktop' },
  containerKey: 'mcpServers',
  configPaths(ctx) {
    const dir = joinFor(ctx, appDataDir(ctx), 'Claude');
    return [
      { scope: 'user', path: joinFor(ctx, dir, 'claude_desktop_config.json'), label: 'user', markers: [dir] },
    ];
  },
  toNative(entry) {
    if (entry.kind !== 'stdio') {
      throw new SwitchboardError(
        'VALIDATION',
        'Claude Desktop only starts local commands: connect it through the stdio bridge',
      );
    }
    return writeStandardEntry(entry, { urlKey: 'url', withType: false });
  },
  fromNative: (name, value) => readStandardEntry(name, value, ['url']),
  ownedKeys: ['type', 'command', 'args', 'env', 'url', 'headers'],
});
