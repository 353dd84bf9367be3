/**
 * A REAL gnome-keyring on a private D-Bus session bus, in throwaway directories, for tests.
 *
 * Usage (vitest):
 *
 *   const support = privateKeyringSupport();          // throws when CI is set and the binaries are missing
 *   describe.skipIf(!support.available)('…', () => {
 *     let keyring: PrivateKeyring;
 *     beforeAll(async () => { keyring = await startPrivateKeyring(); });
 *     afterAll(() => keyring?.stop());
 *     it('…', async () => {
 *       const run = await runNode(['my-script.ts'], { env: keyring.childEnv() });
 *     });
 *   });
 *
 * IMPORTANT: run keyring-touching code in a CHILD process (runNode, or spawn with `keyring.childEnv()`).
 * @napi-rs/keyring goes through libdbus, which reads DBUS_SESSION_BUS_ADDRESS once, at the first keyring call
 * of a process, and keeps that connection for the life of the process: assigning process.env afterwards changes
 * nothing (test/integration/vault/private-keyring.test.ts pins this down). A vitest worker may already have
 * touched the bus, or may run other files later that expect another bus.
 *
 * Needs (Debian): apt-get install -y gnome-keyring dbus dbus-x11 libsecret-tools
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Programs the helper runs; all come from the apt packages listed above. */
export const PRIVATE_KEYRING_BINARIES = [
  'dbus-daemon',
  'dbus-send',
  'gnome-keyring-daemon',
  'secret-tool',
] as const;

/** Whether startPrivateKeyring can work on this machine, and if not, why. */
export type PrivateKeyringSupport = { available: true } | { available: false; reason: string };

/**
 * Checks the binaries are installed. When they are not: with CI set, THROWS (CI must never skip the
 * real-keyring tests silently); otherwise returns the reason, for `describe.skipIf`.
 */
export function privateKeyringSupport(env: NodeJS.ProcessEnv = process.env): PrivateKeyringSupport {
  const missing = PRIVATE_KEYRING_BINARIES.filter((bin) => !onPath(bin, env));
  if (missing.length === 0 && process.platform === 'linux') return { available: true };
  const reason =
    process.platform !== 'linux'
      ? `a private gnome-keyring needs Linux (this is ${process.platform})`
      : `missing ${missing.join(', ')}: apt-get install -y gnome-keyring dbus dbus-x11 libsecret-tools`;
  if (env.CI) throw new Error(`Real-keyring tests cannot run on CI: ${reason}`);
  return { available: false, reason };
}

/** A running private keyring. */
export interface PrivateKeyring {
  /**
   * The variables that point a process at this keyring (DBUS_SESSION_BUS_ADDRESS, HOME, XDG_*). Apply them
   * with childEnv(), which also removes the developer's own session variables so a test can never touch
   * the real keyring.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The throwaway directory (HOME of the keyring daemon); removed by stop(). */
  readonly dir: string;
  /** The login keyring's password. */
  readonly password: string;
  /** process.env without ambient desktop-session variables, plus `env`, plus `extra`. */
  childEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** Locks the login collection: every later access fails like a dismissed unlock prompt. */
  lock(): Promise<void>;
  /** The stored password of an item (as keyring-rs writes them: attributes service + username), if any. */
  lookup(service: string, account: string): Promise<string | undefined>;
  /** Stops both daemons and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPrivateKeyringOptions {
  password?: string;
  /** How long to wait for the daemons (default 15 s: CI machines have two cores). */
  timeoutMs?: number;
}

// Variables that could lead a child to the developer's real session bus or keyring.
const AMBIENT_SESSION_VARS = [
  'DBUS_SESSION_BUS_ADDRESS',
  'DBUS_STARTER_ADDRESS',
  'DBUS_STARTER_BUS_TYPE',
  'GNOME_KEYRING_CONTROL',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XDG_RUNTIME_DIR',
  'XDG_SESSION_TYPE',
  'XDG_CURRENT_DESKTOP',
  'DESKTOP_SESSION',
];

/** `base` without the ambient session variables (see AMBIENT_SESSION_VARS), with `overrides` applied. */
export function isolatedEnv(
  overrides: Record<string, string | undefined>,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of AMBIENT_SESSION_VARS) delete env[name];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * An environment in which no session bus is reachable (so no Secret Service): @napi-rs/keyring then fails
 * with "Failed to connect to socket …". Use as isolatedEnv(noKeyringEnv()).
 */
export function noKeyringEnv(): Record<string, string> {
  return {
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(os.tmpdir(), 'switchboard-no-session-bus', 'bus')}`,
  };
}

const live = new Set<() => void>();
// Last resort when a test run dies without afterAll: never leave daemons behind.
process.once('exit', () => {
  for (const kill of live) kill();
});

/** Starts dbus-daemon + gnome-keyring-daemon (unlocked login keyring) in a fresh temporary directory. */
export async function startPrivateKeyring(options: StartPrivateKeyringOptions = {}): Promise<PrivateKeyring> {
  const password = options.password ?? 'switchboard-test-keyring';
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-keyring-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  live.add(killAll);

  try {
    for (const sub of ['data', 'config', 'cache', 'run']) fs.mkdirSync(path.join(dir, sub), { mode: 0o700 });
    const socket = path.join(dir, 'bus');
    const configFile = path.join(dir, 'session.conf');
    fs.writeFileSync(configFile, busConfig(socket));

    const dbus = spawn('dbus-daemon', [`--config-file=${configFile}`, '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(dbus);
    const address = await firstLine(dbus, deadline, 'dbus-daemon');

    const env: Record<string, string> = {
      DBUS_SESSION_BUS_ADDRESS: address,
      HOME: dir,
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_RUNTIME_DIR: path.join(dir, 'run'),
    };
    const toolEnv = isolatedEnv(env);

    // --foreground keeps it our child (so stop() can kill it); --unlock reads the password from stdin and
    // creates the "login" collection, unlocked, on first start.
    const daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: toolEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(daemon);
    const daemonLog = collect(daemon);
    daemon.stdin?.end(password);
    await waitUntil(
      deadline,
      async () => (await loginLocked(toolEnv)) === false,
      () => `gnome-keyring-daemon did not come up with an unlocked login keyring: ${daemonLog()}`,
    );

    let stopped = false;
    return {
      env,
      dir,
      password,
      childEnv: (extra = {}) => isolatedEnv({ ...env, ...extra }),
      async lock() {
        await run(
          'dbus-send',
          [
            ...SECRETS_CALL,
            '/org/freedesktop/secrets',
            'org.freedesktop.Secret.Service.Lock',
            `array:objpath:${LOGIN}`,
          ],
          toolEnv,
        );
        if ((await loginLocked(toolEnv)) !== true) throw new Error('the login keyring did not lock');
      },
      async lookup(service, account) {
        const result = await run(
          'secret-tool',
          ['lookup', 'service', service, 'username', account],
          toolEnv,
          true,
        );
        return result.code === 0 ? result.stdout : undefined;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopChildren(children);
        live.delete(killAll);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopChildren(children);
    live.delete(killAll);
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Result of runNode. */
export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `process.execPath` (the project's pinned Node, which strips TypeScript types) with `args`, feeding
 * `input` on stdin; kills it after `timeoutMs` (default 30 s). Never rejects for a non-zero exit.
 */
export function runNode(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number },
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

const LOGIN = '/org/freedesktop/secrets/collection/login';
const SECRETS_CALL = ['--session', '--print-reply', '--dest=org.freedesktop.secrets'];

// A session bus with no service activation: nothing from /usr/share/dbus-1/services (such as a second
// gnome-keyring with the developer's real HOME) can be started on it behind our back.
function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

async function loginLocked(env: NodeJS.ProcessEnv): Promise<boolean | undefined> {
  const result = await run(
    'dbus-send',
    [
      ...SECRETS_CALL,
      LOGIN,
      'org.freedesktop.DBus.Properties.Get',
      'string:org.freedesktop.Secret.Collection',
      'string:Locked',
    ],
    env,
    true,
  );
  if (result.code !== 0) return undefined;
  if (/boolean true/.test(result.stdout)) return true;
  if (/boolean false/.test(result.stdout)) return false;
  return undefined;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  allowFailure = false,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && !allowFailure)
        reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim()}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

function firstLine(child: ChildProcess, deadline: number, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`${name} printed no address in time: ${err.trim()}`)),
      Math.max(0, deadline - Date.now()),
    );
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline).trim());
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited early (${code}): ${err.trim()}`));
    });
  });
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (text += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (text += c));
  return () => text.trim() || '(no output)';
}

async function waitUntil(
  deadline: number,
  ready: () => Promise<boolean>,
  describe: () => string,
): Promise<void> {
  // Polling real time is fine here: this is fixture start-up, not the behaviour under test.
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(describe());
}

async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  // Keyring first, then the bus it talks to.
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

function onPath(bin: string, env: NodeJS.ProcessEnv): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { env, stdio: 'ignore' }).status === 0;
}
