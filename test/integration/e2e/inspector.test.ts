import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSPECTOR_BIN, runInspector } from '../../helpers/inspector.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { DataDir, ServeProcess } from './serve-harness.ts';
import {
  ROOT,
  prepareDataDir,
  startServeWithTools,
  stdioServer,
  stopServeAndCheck,
} from './serve-harness.ts';

/**
 * Acceptance 2: a third-party client, the MCP Inspector in CLI mode, through the REAL gateway (`switchboard
 * serve` with a stdio echo upstream). SWITCHBOARD_INSPECTOR_BIN points at another copy's CLI entry.
 */

const inspector = (args: string[]) => runInspector(args, { cwd: ROOT });

let data: DataDir;
let serve: ServeProcess;

describe.skipIf(INSPECTOR_BIN === undefined)('MCP Inspector CLI through `switchboard serve`', () => {
  beforeAll(async () => {
    data = await prepareDataDir([stdioServer('echo', FIXTURES.echo)], 'inspector');
    serve = await startServeWithTools(data, ['echo__echo']);
  }, 60_000);

  afterAll(() => stopServeAndCheck(serve, data), 30_000);

  const auth = () => ['--header', `Authorization: Bearer ${serve.token}`];

  it('lists the aggregated tools', async () => {
    const list = await inspector([serve.url, '--transport', 'http', '--method', 'tools/list', ...auth()]);
    expect(list.code, list.stderr).toBe(0);
    const tools = (JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['echo__echo', 'echo__add', 'echo__sample']));
  }, 60_000);

  it('calls a tool with arguments', async () => {
    const call = await inspector([
      serve.url,
      '--transport',
      'http',
      '--method',
      'tools/call',
      '--tool-name',
      'echo__echo',
      '--tool-arg',
      'text=inspected end to end',
      ...auth(),
    ]);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain('inspected end to end');
  }, 60_000);

  it('uses original names on the per-server route', async () => {
    const list = await inspector([
      `${serve.url}/echo`,
      '--transport',
      'http',
      '--method',
      'tools/list',
      ...auth(),
    ]);
    expect(list.code, list.stderr).toBe(0);
    const tools = (JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(tools).toContain('echo');
    expect(tools).not.toContain('echo__echo');
  }, 60_000);

  it('is refused without a token, and with a wrong one', async () => {
    const none = await inspector([serve.url, '--transport', 'http', '--method', 'tools/list']);
    expect(none.code).not.toBe(0);
    const wrong = await inspector([
      serve.url,
      '--transport',
      'http',
      '--method',
      'tools/list',
      '--header',
      'Authorization: Bearer sbt_not-a-real-token',
    ]);
    expect(wrong.code).not.toBe(0);
  }, 60_000);
});
