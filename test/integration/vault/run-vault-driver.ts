import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '../../helpers/private-keyring.ts';
import type { DriverRequest, DriverResponse } from './vault-driver.ts';

const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'vault-driver.ts');

/** Runs vault-driver.ts in a fresh Node process with `env`; throws with its stderr if it crashed. */
export async function runVaultDriver(
  request: DriverRequest,
  env: NodeJS.ProcessEnv,
): Promise<DriverResponse> {
  const run = await runNode([DRIVER], { env, input: JSON.stringify(request) });
  if (run.code !== 0) throw new Error(`vault driver exited ${run.code ?? run.signal}: ${run.stderr}`);
  return JSON.parse(run.stdout) as DriverResponse;
}

/** The values of a response's results, failing loudly on the first error. */
export function values(response: DriverResponse): unknown[] {
  if (response.openError)
    throw new Error(`vault did not open: ${response.openError.code} ${response.openError.message}`);
  return response.results.map((r, i) => {
    if (!r.ok) throw new Error(`op ${i} failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  });
}
