import { InvalidArgumentError } from 'commander';

/** Parses a `--port` value: 1–65535, or 0 for "any free port" (tests, side-by-side runs). */
export function parsePortOption(value: string): number {
  if (!/^\d{1,5}$/.test(value)) throw new InvalidArgumentError('must be a port number (0-65535)');
  const port = Number(value);
  if (port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}
