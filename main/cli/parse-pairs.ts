import { SwitchboardError } from '../lib/errors.ts';

/**
 * Parses repeated `--env K=V` options into a record; a missing "=" is a usage error naming the option.
 * The malformed text is not repeated: it may be a value (a token pasted without its name).
 */
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new SwitchboardError('USAGE', `every --env must look like NAME=value (one has no name)`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** Parses repeated `--header "Name: value"` options; a missing ":" is a usage error (not repeating the text). */
export function parseHeaderPairs(pairs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(':');
    if (colon <= 0)
      throw new SwitchboardError('USAGE', `every --header must look like "Name: value" (one has no name)`);
    headers[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return headers;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
