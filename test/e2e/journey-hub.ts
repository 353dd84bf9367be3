import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { repoRoot } from './helpers.ts';

/**
 * A hub of a journey's own: a fresh data folder and a real `switchboard serve --ui`, as a new user starts it
 * (the shared hub of global-setup.ts carries the other specs' state). It can be stopped and started again
 * on the same port and data folder, the way a person restarts it: each start prints a NEW UI address (a new
 * token), which is what journey (d) is about. The renderer is the one global-setup.ts built.
 */
export interface JourneyHub {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly port: number;
  /** The address the hub printed: `<base>/ui/#token=<token>`. */
  readonly uiUrl: string;
  readonly token: string;
  readonly dataDir: string;
  /** What the hub printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Runs a contract command the way the window does (POST /ui/api/<command>). */
  contract<T = unknown>(command: string, input?: Record<string, unknown>): Promise<T>;
  /** A client token for MCP clients of this hub. */
  clientToken(name: string): Promise<string>;
  /** A real MCP SDK client on `<base>/mcp` (a 2025 session: it counts as one open session). */
  connectClient(token: string): Promise<Client>;
  /** SIGTERM, and wait for the process to exit (bounded). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder; `uiUrl` and `token` change. */
  restart(): Promise<void>;
  /** Stops it and deletes its data folder. */
  dispose(): Promise<void>;
}

const UI_URL = /(http:\/\/127\.0\.0\.1:(\d+))\/ui\/#token=([A-Za-z0-9_-]+)/;

export interface JourneyHubOptions {
  startTimeoutMs?: number;
  /** `serve --port <n>`; default 0 (any free port). */
  port?: number;
  /** More environment for the hub, e.g. SWITCHBOARD_CLIENT_HOME (where it looks for AI clients' files). */
  env?: Record<string, string>;
}

export async function startJourneyHub(options: JourneyHubOptions = {}): Promise<JourneyHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-journey-'));
  const passphraseFile = join(dataDir, 'passphrase');
  await writeFile(passphraseFile, `journey-${randomBytes(16).toString('hex')}\n`, { mode: 0o600 });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let child: ChildProcess | undefined;
  let printed = '';
  let current = { baseUrl: '', port: 0, token: '' };

  const launch = async (port: number) => {
    printed += `\n--- serve --ui --port ${port} ---\n`;
    const proc = spawn(
      process.execPath,
      [
        'main/cli.ts',
        '--data-dir',
        dataDir,
        '--vault-passphrase-file',
        passphraseFile,
        'serve',
        '--ui',
        '--port',
        String(port),
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          SWITCHBOARD_HOME: dataDir,
          SWITCHBOARD_NO_BROWSER: '1',
          // AI clients' files are looked for in an empty home of its own: no journey touches the real one.
          SWITCHBOARD_CLIENT_HOME: join(dataDir, 'client-home'),
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    current = await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`serve --ui printed no UI address within ${timeoutMs} ms:\n${seen}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        printed += text;
        seen += text;
        const match = UI_URL.exec(seen);
        if (match?.[1] && match[2] && match[3]) {
          clearTimeout(timer);
          resolve({ baseUrl: match[1], port: Number(match[2]), token: match[3] });
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve --ui exited (${code}) before printing its address:\n${seen}`));
      });
    });
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
      }, 15_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };

  await launch(options.port ?? 0);

  const hub: JourneyHub = {
    get baseUrl() {
      return current.baseUrl;
    },
    get port() {
      return current.port;
    },
    get token() {
      return current.token;
    },
    get uiUrl() {
      return `${current.baseUrl}/ui/#token=${current.token}`;
    },
    dataDir,
    output: () => printed,
    async contract<T>(command: string, input: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(`${current.baseUrl}/ui/api/${command}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${current.token}` },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as
        { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
      if (!body.ok) throw new Error(`${command}: ${body.error.code}: ${body.error.message}`);
      return body.value;
    },
    async clientToken(name) {
      return (await hub.contract<{ token: string }>('tokens.create', { name })).token;
    },
    async connectClient(token) {
      const transport = new StreamableHTTPClientTransport(new URL(`${current.baseUrl}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      });
      const client = new Client({ name: 'switchboard-journey', version: '1.0.0' });
      await client.connect(transport, { timeout: 20_000 });
      return client;
    },
    stop,
    async restart() {
      const port = current.port;
      await stop();
      await launch(port);
    },
    async dispose() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return hub;
}
