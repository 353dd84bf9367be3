import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * What the install tests need to act like a person in a terminal: the PATH without the project's
 * node_modules/.bin (npm scripts put the pinned Node 24 first on PATH; a user's shell does not), the
 * `node` that PATH then finds, and a bounded way to run commands.
 */

/** PATH as a user's shell has it: every entry npm added for this run removed. */
export function userPath(pathValue: string = process.env.PATH ?? ''): string {
  return pathValue
    .split(path.delimiter)
    .filter((entry) => !/node_modules[\\/]\.bin$/.test(entry) && !/node-gyp-bin$/.test(entry))
    .join(path.delimiter);
}

/** The environment for a command run "from a terminal": no npm_* variables from the npm running the tests. */
export function userEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name)) env[name] = value;
  }
  return { ...env, PATH: userPath(), ...overrides };
}

/** The first `node` on the user's PATH with its version, or undefined when that PATH has none. */
export function userNode(): { path: string; version: [number, number, number] } | undefined {
  for (const dir of userPath().split(path.delimiter)) {
    const candidate = path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    if (!fs.existsSync(candidate)) continue;
    const text = execFileSync(candidate, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
    const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number);
    return { path: candidate, version: [major, minor, patch] };
  }
  return undefined;
}

export function olderThan(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) {
    if ((version[i] ?? 0) !== (minimum[i] ?? 0)) return (version[i] ?? 0) < (minimum[i] ?? 0);
  }
  return false;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end, killed after `timeoutMs` (the error then says which command and shows what
 * it printed). Generous bounds: this is a loaded 2-core machine, and these steps install from the registry.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `\`${command} ${args.join(' ')}\` did not finish within ${options.timeoutMs} ms.\n` +
            `stdout:\n${stdout.slice(-4000)}\nstderr:\n${stderr.slice(-4000)}`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** "exit 0" / "exit 3" / "signal SIGKILL", plus what the command printed: for assertion messages. */
export function describeRun(result: Run): string {
  const ending = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
  return `${ending}\nstdout:\n${result.stdout.slice(-4000)}\nstderr:\n${result.stderr.slice(-4000)}`;
}
