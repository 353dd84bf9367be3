import { Entry } from '@napi-rs/keyring';
try { const e = new Entry('mcp-switchboard-test', 'acct2'); e.setPassword('hello2'); console.log('set ok', e.getPassword()); } catch (err) { console.log('ERR', err.code, err.message); }
