import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../lib/errors.ts';

/**
 * GUI apps on macOS and Linux do not inherit the PATH the user's shell builds (nvm, Homebrew, volta,
 * ~/.local/bin), so `npx`/`uvx`/`node` are "not found" — the most common complaint about desktop MCP apps.
 * We ask the login shell once, with a timeout, and merge its PATH in front of ours.
 */

const START = '__SWITCHBOARD_ENV_START__';
/** Output kept from the probe (an environment is a few KiB; a profile that prints without end is cut). */
const MAX_OUTPUT = 4 * 1024 * 1024;
/** How long a timed-out probe has to clean up after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 1000;
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
    if (!shellPath) throw new Error(`${shell} -l -i printed no PATH`);
    return { path: mergePathLists(':', shellPath, fallbackPath), source: 'login-shell', shell };
  } catch (error) {
    return { path: fallbackPath, source: 'process', shell, problem: errorMessage(error) };
  }
}

/** What an interactive shell without a terminal always prints: noise, not a reason. */
const JOB_CONTROL_NOISE = /no job control|cannot set terminal process group|Inappropriate ioctl/;

/**
 * Runs the probe in a process group of its own. When it does not finish in time the whole group gets SIGTERM
 * first, so a profile's own cleanup runs (pyenv's rehash removes its lock file on exit; a SIGKILL leaves it,
 * and then every shell the person opens waits a minute for it), and SIGKILL a moment later for what is left.
 * Errors are one line that says what happened, never the shell's whole output.
 */
function runShell(
  shell: string,
  args: string[],
  options: { timeoutMs: number; env: NodeJS.ProcessEnv },
): Promise<string> {
  const probe = `${shell} ${args.slice(0, 2).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(shell, args, { env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Gone already.
      }
    };
    const timer = setTimeout(() => {
      signalGroup('SIGTERM');
      setTimeout(() => signalGroup('SIGKILL'), TERM_GRACE_MS).unref();
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      reject(
        new Error(
          `${probe} did not finish within ${seconds} s (a slow login profile, or one waiting for input)`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${probe} could not be started: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Interactive shells often exit non-zero (no tty for job control) after printing what we need.
      if (stdout.includes(END)) return resolve(stdout);
      const said = stderr
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !JOB_CONTROL_NOISE.test(line))
        .at(-1);
      const how = signal === null ? `exited with code ${code}` : `was stopped by ${signal}`;
      reject(
        new Error(`${probe} ${how} without printing its environment${said ? `: ${said.slice(0, 300)}` : ''}`),
      );
    });
  });
}
