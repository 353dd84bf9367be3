import { SwitchboardError } from '../lib/errors.ts';

/** Parses repeated `--env K=V` options into a record; a missing "=" is a usage error naming the option. */
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SwitchboardError('USAGE', `--env "${pair}" must look like NAME=value`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** Parses repeated `--header "Name: value"` options; a missing ":" is a usage error naming the option. */
export function parseHeaderPairs(pairs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new SwitchboardError('USAGE', `--header "${pair}" must look like "Name: value"`);
    headers[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return headers;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
