import path from 'node:path';

/**
 * Windows cannot exec `npx`: it is `npx.cmd`, a batch file, and since CVE-2024-27980 Node refuses to spawn
 * batch files without a shell. Running them through `cmd.exe /d /s /c` needs cmd's own quoting, or arguments
 * with spaces, quotes or `&|<>^` break (or inject commands). This is the algorithm cross-spawn uses
 * (https://github.com/moxystudio/node-cross-spawn, MIT; quoting after https://qntm.org/cmd), kept pure so it
 * is unit-tested on every platform.
 */

export interface SpawnPlan {
  file: string;
  args: string[];
  /** Tells Node to pass `args` to CreateProcess untouched (we quoted them for cmd ourselves). */
  windowsVerbatimArguments: boolean;
}

export interface WindowsLookup {
  /** PATH of the child (its own, after the login-shell merge). */
  path: string;
  /** PATHEXT, e.g. ".COM;.EXE;.BAT;.CMD". */
  pathExt: string;
  /** cmd.exe to use (COMSPEC). */
  comspec: string;
  /** Working directory the command is resolved against when it contains a directory part. */
  cwd: string;
  /** True when a file exists at this path (injected: tests fake the file system). */
  isFile(candidate: string): boolean;
}

const META_CHARS = /([()\][%!^"`<>&|;, *?])/g;
// Shims npm writes into node_modules/.bin re-parse their arguments once more, so metacharacters are escaped twice.
const CMD_SHIM = /node_modules[\\/]\.bin[\\/][^\\/]+\.cmd$/i;

/** How to spawn `command args` on Windows: directly for executables, through cmd.exe for .cmd/.bat files. */
export function planWindowsSpawn(command: string, args: readonly string[], lookup: WindowsLookup): SpawnPlan {
  const resolved = resolveWindowsCommand(command, lookup);
  if (resolved === undefined || !/\.(cmd|bat)$/i.test(resolved)) {
    return { file: resolved ?? command, args: [...args], windowsVerbatimArguments: false };
  }
  const doubleEscape = CMD_SHIM.test(resolved);
  const line = [
    escapeCommand(path.win32.normalize(resolved)),
    ...args.map((a) => escapeArgument(a, doubleEscape)),
  ].join(' ');
  return { file: lookup.comspec, args: ['/d', '/s', '/c', `"${line}"`], windowsVerbatimArguments: true };
}

/** Finds `command` the way cmd.exe would: as a path, else in each PATH folder, trying each PATHEXT extension. */
export function resolveWindowsCommand(command: string, lookup: WindowsLookup): string | undefined {
  const extensions = ['', ...lookup.pathExt.split(';').filter(Boolean)];
  const withExt = (base: string) =>
    extensions.map((ext) => base + ext.toLowerCase()).find((c) => lookup.isFile(c));
  if (/[\\/]/.test(command) || path.win32.isAbsolute(command)) {
    return withExt(path.win32.resolve(lookup.cwd, command));
  }
  for (const dir of lookup.path.split(';')) {
    if (!dir) continue;
    const found = withExt(path.win32.join(dir.replace(/^"(.*)"$/, '$1'), command));
    if (found) return found;
  }
  return undefined;
}

/** Escapes a command path for cmd.exe. */
export function escapeCommand(command: string): string {
  return command.replace(META_CHARS, '^$1');
}

/** Quotes one argument for CommandLineToArgvW, then escapes it for cmd.exe (twice for npm's .cmd shims). */
export function escapeArgument(arg: string, doubleEscape: boolean): string {
  // Backslashes before a quote (and at the end, before our closing quote) are doubled; quotes are escaped.
  let quoted = arg.replace(/(\\*)"/g, '$1$1\\"');
  quoted = quoted.replace(/(\\*)$/, '$1$1');
  quoted = `"${quoted}"`;
  quoted = quoted.replace(META_CHARS, '^$1');
  if (doubleEscape) quoted = quoted.replace(META_CHARS, '^$1');
  return quoted;
}
