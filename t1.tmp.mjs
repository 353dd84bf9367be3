import { Entry } from '@napi-rs/keyring';
const e = new Entry('mcp-switchboard-test', 'acct', { linux: { store: 'secret-service' } });
try { e.setPassword('hello'); console.log('set ok', e.getPassword()); } catch (err) { console.log('ERR', err.code, err.message); }
