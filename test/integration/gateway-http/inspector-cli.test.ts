import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSPECTOR_BIN, runInspector as inspector } from '../../helpers/inspector.ts';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';

/**
 * The MCP Inspector's CLI mode (a real third-party client) against the front. Needs the devDependency
 * (`@modelcontextprotocol/inspector`); SWITCHBOARD_INSPECTOR_BIN points at another copy's CLI entry.
 */

describe.skipIf(INSPECTOR_BIN === undefined)('MCP Inspector CLI against the gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('lists and calls tools with a token', async () => {
    const auth = ['--header', `Authorization: Bearer ${gw.token}`];
    const list = await inspector([gw.url, '--transport', 'http', '--method', 'tools/list', ...auth]);
    expect(list.stdout, list.stderr).toContain('fake__echo');
    const call = await inspector([
      gw.url,
      '--transport',
      'http',
      '--method',
      'tools/call',
      '--tool-name',
      'fake__echo',
      '--tool-arg',
      'text=inspected',
      ...auth,
    ]);
    expect(call.stdout, call.stderr).toContain('fake__echo(inspected)');
  });

  it('is refused without one', async () => {
    const list = await inspector([gw.url, '--transport', 'http', '--method', 'tools/list']);
    expect(list.code).not.toBe(0);
  });
});
