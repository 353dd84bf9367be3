/**
 * Child process for private-keyring.test.ts: points DBUS_SESSION_BUS_ADDRESS at each address from stdin in
 * turn (assigning process.env, as an in-process test would) and reads a keyring entry after each, printing
 * which attempts reached a keyring. Shows whether @napi-rs/keyring follows env changes within one process.
 */
import fs from 'node:fs';
import { Entry } from '@napi-rs/keyring';

const addresses = JSON.parse(fs.readFileSync(0, 'utf8')) as string[];
const outcomes = addresses.map((address) => {
  process.env.DBUS_SESSION_BUS_ADDRESS = address;
  try {
    new Entry('mcp-switchboard-test', 'bus-probe', { linux: { store: 'secret-service' } }).getPassword();
    return 'reached';
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  }
});
process.stdout.write(JSON.stringify(outcomes) + '\n');
