import { SwitchboardError } from '../lib/errors.ts';

/** Where in a file a problem is, 1-based. */
export interface TextPosition {
  line: number;
  column: number;
}

/**
 * The error for a client file we will not touch: it names the file and the position, and says what to do.
 * `source` is the file path when known (config-file.ts passes it); pure callers get a generic label.
 */
export function unreadableConfig(
  source: string | undefined,
  problem: string,
  position?: TextPosition,
): SwitchboardError {
  const where = position === undefined ? '' : ` at line ${position.line}, column ${position.column}`;
  const file = source ?? 'the configuration file';
  return new SwitchboardError(
    'CLIENT_CONFIG_UNREADABLE',
    `${file} cannot be read${where}: ${problem}. Fix the file (or move it away) and try again; it was not changed.`,
    { details: { file: source, problem, ...(position ?? {}) } },
  );
}
