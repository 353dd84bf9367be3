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

/** A symlink whose target is missing: writing would replace the person's link with a file of ours. */
export function danglingLink(file: string, target: string): SwitchboardError {
  return new SwitchboardError(
    'CLIENT_CONFIG_UNREADABLE',
    `${file} is a symbolic link to ${target}, which does not exist, so Switchboard left the link alone. ` +
      `Create ${target} (for example by restoring your dotfiles; "{}" will do) or remove the link, then try again.`,
    { details: { file, problem: 'dangling symbolic link', target } },
  );
}

/** A file with no write permission: the person froze it, so it is not ours to replace. */
export function readOnlyConfig(file: string, mode: number): SwitchboardError {
  const octal = mode.toString(8).padStart(4, '0');
  const fix =
    process.platform === 'win32'
      ? `clear its Read-only attribute (attrib -R "${file}")`
      : `make it writable (chmod u+w '${file}')`;
  return new SwitchboardError(
    'CLIENT_CONFIG_UNREADABLE',
    `${file} is read-only (mode ${octal}), so Switchboard did not change it. To let Switchboard edit it, ` +
      `${fix} and try again.`,
    { details: { file, problem: 'read-only', mode: octal } },
  );
}
