import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { DataDir, ServeProcess } from './serve-harness.ts';
import {
  ROOT,
  prepareDataDir,
  startServe,
  stdioServer,
  waitForTools,
  leftoverChildren,
} from './serve-harness.ts';

/**
 * Acceptance 2: a third-party client, the MCP Inspector in CLI mode, through the REAL gateway (`switchboard
 * serve` with a stdio echo upstream). SWITCHBOARD_INSPECTOR_BIN points at another copy's CLI entry.
 */

function findInspector(): string | undefined {
  if (process.env.SWITCHBOARD_INSPECTOR_BIN) return process.env.SWITCHBOARD_INSPECTOR_BIN;
  const pkg = path.join(ROOT, 'node_modules/@modelcontextprotocol/inspector/package.json');
  if (!fs.existsSync(pkg)) return undefined;
  const bin = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { bin?: Record<string, string> | string }).bin;
  const entry = typeof bin === 'string' ? bin : (bin?.['mcp-inspector'] ?? Object.values(bin ?? {})[0]);
  return entry === undefined ? undefined : path.join(path.dirname(pkg), entry);
}
const BIN = findInspector();

function inspector(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN!, '--cli', ...args],
      { timeout: 60_000, cwd: ROOT },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let data: DataDir;
let serve: ServeProcess;

describe.skipIf(BIN === undefined)('MCP Inspector CLI through `switchboard serve`', () => {
  beforeAll(async () => {
    data = await prepareDataDir([stdioServer('echo', FIXTURES.echo)], 'inspector');
    serve = await startServe(data);
    const client = await serve.connect();
    await waitForTools(client, ['echo__echo']);
    await client.close();
  }, 60_000);

  afterAll(async () => {
    const stopped = await serve?.stop();
    data?.cleanup();
    expect(stopped?.survivors).toEqual([]);
    expect(await leftoverChildren()).toEqual([]);
  }, 30_000);

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
