import type { ErrorInfo } from '../lib/errors.ts';

/** Where CLI commands print: JSON for scripts (--json), text for people. Injected for tests. */
export interface Output {
  json: boolean;
  /** Prints a command's result: `value` as JSON, or the text `render` produces. */
  result(value: unknown, render: () => string): void;
  /** A note for people on stderr (never mixed into --json stdout). */
  note(text: string): void;
  /** Prints a failure: JSON on stdout with --json, text on stderr otherwise. */
  failure(error: ErrorInfo): void;
}

/** An Output writing to the given streams. */
export function createOutput(
  json: boolean,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Output {
  return {
    json,
    result(value, render) {
      stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : ensureNewline(render()));
    },
    note(text) {
      stderr.write(ensureNewline(text));
    },
    failure(error) {
      if (json) stdout.write(JSON.stringify({ error }, null, 2) + '\n');
      else stderr.write(`error (${error.code}): ${error.message}\n`);
    },
  };
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : text + '\n';
}

/** Renders rows as aligned columns for people. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, col) => cell.padEnd(widths[col] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
