import { it } from 'vitest';
import { spawn } from 'node:child_process';
import { createFakeCore, startTestGateway } from '../../helpers/gateway-harness.ts';
import { createConformanceServer } from './fixtures/conformance-server.ts';
import { createLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
it('all', async () => {
  const t0 = Date.now();
  const log = createLogger({ level: 'debug', redactor: new Redactor(), write: (l) => process.stderr.write(`[${Date.now() - t0}] ${l}\n`) });
  const core = createFakeCore(['fake'], { conformance: createConformanceServer });
  const gw = await startTestGateway({ core, log });
  const child = spawn(process.execPath, ['--import', '/work/main/test/integration/gateway-http/fixtures/inject-bearer.ts', '/root/.npm/_npx/d42c3eb631d835c6/node_modules/@modelcontextprotocol/conformance/dist/index.js', 'server', '--url', `${gw.url}/conformance`, '-o', '/tmp/confout'], { env: { ...process.env, SB_TEST_BEARER: gw.token, SB_TEST_ORIGIN: gw.origin } });
  child.stdout.on('data', (d) => process.stderr.write(`[${Date.now() - t0}] OUT ${d}`));
  await new Promise((r) => setTimeout(r, 70000));
  child.kill();
  await gw.close();
}, 100000);
