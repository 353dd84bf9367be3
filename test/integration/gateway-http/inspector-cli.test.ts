import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';

/**
 * The MCP Inspector's CLI mode (a real third-party client) against the front. Needs the devDependency
 * (`@modelcontextprotocol/inspector`); SWITCHBOARD_INSPECTOR_BIN points at another copy's CLI entry.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
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
    execFile(process.execPath, [BIN!, '--cli', ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(BIN === undefined)('MCP Inspector CLI against the gateway', () => {
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
