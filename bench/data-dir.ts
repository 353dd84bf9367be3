import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNode } from '../test/helpers/private-keyring.ts';
import type { DataDir } from '../test/integration/e2e/serve-harness.ts';
import { e2eEnv } from '../test/integration/e2e/serve-harness.ts';

/**
 * A throwaway data directory set up by the CLI of the build that will serve it (`import`, `token create`): a
 * baseline revision and this checkout may disagree on the registry schema, so each prepares its own.
 */
export async function prepareDataDirWith(
  entry: string,
  servers: Record<string, unknown>[],
  name = 'bench',
): Promise<DataDir> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const cli = async (args: string[]) => {
    const run = await runNode([entry, '--data-dir', dir, ...args], { env: e2eEnv(), timeoutMs: 60_000 });
    if (run.code !== 0)
      throw new Error(`switchboard ${args.join(' ')} exited ${run.code}: ${run.stderr}${run.stdout}`);
    return run.stdout;
  };
  try {
    if (servers.length > 0) {
      const file = path.join(dir, 'import.json');
      fs.writeFileSync(file, JSON.stringify({ format: 'switchboard-servers', version: 1, servers }));
      await cli(['import', file]);
    }
    const token = (await cli(['token', 'create', name])).trim();
    if (!/^sbt_/.test(token)) throw new Error(`unexpected token output: ${token}`);
    return { dir, token, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}
