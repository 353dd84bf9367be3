import { Entry } from '@napi-rs/keyring';
const real = process.env.REAL;
const opts = { linux: { store: 'secret-service' } };
function attempt(label) {
  try { const e = new Entry('mcp-switchboard-test', 'acct3', opts); e.setPassword('v-' + label); console.log(label, 'ok', e.getPassword()); } catch (err) { console.log(label, 'ERR', err.message); }
}
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent'; attempt('bad1');
process.env.DBUS_SESSION_BUS_ADDRESS = real; attempt('real1');
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent'; attempt('bad2');
process.env.DBUS_SESSION_BUS_ADDRESS = real; attempt('real2');
