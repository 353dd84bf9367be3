import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../lib/errors.ts';

/**
 * GUI apps on macOS and Linux do not inherit the PATH the user's shell builds (nvm, Homebrew, volta,
 * ~/.local/bin), so `npx`/`uvx`/`node` are "not found" — the most common complaint about desktop MCP apps.
 * We ask the login shell once, with a timeout, and merge its PATH in front of ours.
 */

const START = '__SWITCHBOARD_ENV_START__';
const END = '__SWITCHBOARD_ENV_END__';

export interface LoginShellEnv {
  /** The PATH stdio servers get. */
  path: string;
  /** Where it came from: the login shell, or our own environment when the shell did not answer. */
  source: 'login-shell' | 'process' | 'windows';
  shell?: string;
  /** Why the login shell was not used, when it was not. */
  problem?: string;
}

/** Extracts `KEY=value` pairs printed by `env -0` between our markers, ignoring banners and motd noise. */
export function parseEnvOutput(output: string): Record<string, string> {
  const start = output.indexOf(START);
  const end = output.indexOf(END, start + START.length);
  if (start === -1 || end === -1) throw new Error('login shell output had no environment markers');
  const env: Record<string, string> = {};
  for (const entry of output.slice(start + START.length, end).split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq).replace(/^\n+/, '')] = entry.slice(eq + 1);
  }
  return env;
}

/** Joins PATH lists, first occurrence wins, empty entries dropped. */
export function mergePathLists(delimiter: string, ...lists: (string | undefined)[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const entry of (list ?? '').split(delimiter)) {
      if (entry && !seen.has(entry)) {
        seen.add(entry);
        out.push(entry);
      }
    }
  }
  return out.join(delimiter);
}

/** Folders where package managers put `node`, `npx`, `uvx`, `docker` when the shell cannot be asked. */
export function wellKnownBinDirs(home: string, platform: NodeJS.Platform): string[] {
  if (platform === 'win32') return [];
  const dirs = [
    '/usr/local/bin',
    path.join(home, '.local', 'bin'),
    path.join(home, '.volta', 'bin'),
    path.join(home, '.cargo', 'bin'),
  ];
  if (platform === 'darwin') dirs.unshift('/opt/homebrew/bin');
  return dirs;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
  /** Runs `shell args` and returns stdout; injected so tests can fake a slow or broken shell. */
  run?: (
    shell: string,
    args: string[],
    options: { timeoutMs: number; env: NodeJS.ProcessEnv },
  ) => Promise<string>;
}

/** Resolves the PATH stdio servers will get. Never throws: a broken shell falls back to our own PATH. */
export async function resolveLoginShellEnv(options: ResolveOptions = {}): Promise<LoginShellEnv> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = env.HOME ?? os.homedir();
  const fallbackPath = mergePathLists(
    path.delimiter,
    env.PATH,
    wellKnownBinDirs(home, platform).join(path.delimiter),
  );
  // Windows GUI apps inherit the user's PATH from the registry; there is no login shell to ask.
  if (platform === 'win32') return { path: env.PATH ?? env.Path ?? '', source: 'windows' };

  const shell = env.SHELL || '/bin/sh';
  const run = options.run ?? runShell;
  try {
    const output = await run(shell, ['-l', '-i', '-c', `printf '${START}'; env -0; printf '${END}'`], {
      timeoutMs: options.timeoutMs ?? 5000,
      // Keep oh-my-zsh and friends from prompting for updates inside our probe.
      env: { ...env, DISABLE_AUTO_UPDATE: 'true', ZSH_TMUX_AUTOSTARTED: 'true' },
    });
    const shellPath = parseEnvOutput(output).PATH;
    if (!shellPath) throw new Error('login shell printed no PATH');
    return { path: mergePathLists(':', shellPath, fallbackPath), source: 'login-shell', shell };
  } catch (error) {
    const problem = `could not read PATH from ${shell}: ${errorMessage(error)}`;
    return { path: fallbackPath, source: 'process', shell, problem };
  }
}

function runShell(
  shell: string,
  args: string[],
  options: { timeoutMs: number; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      shell,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        env: options.env,
        maxBuffer: 4 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout) => {
        // Interactive shells often exit non-zero (no tty for job control) after printing what we need.
        if (stdout.includes(END)) resolve(stdout);
        else reject(error ?? new Error('login shell printed nothing usable'));
      },
    );
  });
}
