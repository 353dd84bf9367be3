import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientAdapter } from '../../../main/clients/client-adapter.ts';
import { bridgeEntry, httpEntry, type SwitchboardEntry } from '../../../main/clients/switchboard-entry.ts';

/** Shared by the client tests: where fixtures live and the entries every fixture is connected with. */

export const FIXTURES = fileURLToPath(new URL('../../fixtures/clients/', import.meta.url));

export const GATEWAY_URL = 'http://127.0.0.1:17517/mcp';
export const CLIENT_TOKEN = 'sbt_test_0123456789abcdef';

export const HTTP_ENTRY = httpEntry(GATEWAY_URL, CLIENT_TOKEN);

export const BRIDGE_ENTRY = bridgeEntry({
  command: '/Applications/Switchboard.app/Contents/Resources/runtime/node',
  args: ['/Applications/Switchboard.app/Contents/Resources/app/bridge.js', 'bridge'],
});

/** The entry a client gets in the fixtures: the bridge for stdio-only clients, HTTP otherwise. */
export function entryFor(adapter: ClientAdapter): SwitchboardEntry {
  return adapter.supportsHttp ? HTTP_ENTRY : BRIDGE_ENTRY;
}

export interface FixtureCase {
  name: string;
  input: string;
  /** Expected text after connecting; undefined for files that must be refused. */
  connected: string | undefined;
  inputPath: string;
}

/** Every `<case>.input.<ext>` of a client with its `<case>.connected.<ext>`, read as exact bytes (BOM included). */
export function fixtureCases(clientId: string): FixtureCase[] {
  const dir = path.join(FIXTURES, clientId);
  return fs
    .readdirSync(dir)
    .filter((file) => file.includes('.input.'))
    .sort()
    .map((file) => {
      const connectedPath = path.join(dir, file.replace('.input.', '.connected.'));
      return {
        name: file.slice(0, file.indexOf('.input.')),
        input: fs.readFileSync(path.join(dir, file), 'utf8'),
        connected: fs.existsSync(connectedPath) ? fs.readFileSync(connectedPath, 'utf8') : undefined,
        inputPath: path.join(dir, file),
      };
    });
}
