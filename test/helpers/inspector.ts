import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The MCP Inspector's CLI (a real third-party client) for the tests that drive it. Needs the devDependency
 * `@modelcontextprotocol/inspector`; SWITCHBOARD_INSPECTOR_BIN points at another copy's CLI entry. Undefined
 * when neither is there: skip the suite then.
 */
export const INSPECTOR_BIN = findInspector();

export interface InspectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mcp-inspector --cli …args` under this Node and resolves with how it ended (never rejects). */
export function runInspector(args: string[], options: { cwd?: string } = {}): Promise<InspectorRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [INSPECTOR_BIN!, '--cli', ...args],
      { timeout: 60_000, ...options },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function findInspector(): string | undefined {
  if (process.env.SWITCHBOARD_INSPECTOR_BIN) return process.env.SWITCHBOARD_INSPECTOR_BIN;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const pkg = path.join(root, 'node_modules/@modelcontextprotocol/inspector/package.json');
  if (!fs.existsSync(pkg)) return undefined;
  const bin = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { bin?: Record<string, string> | string }).bin;
  const entry = typeof bin === 'string' ? bin : (bin?.['mcp-inspector'] ?? Object.values(bin ?? {})[0]);
  return entry === undefined ? undefined : path.join(path.dirname(pkg), entry);
}
