import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport, type ClientOptions } from '@modelcontextprotocol/client';
import { expect, type Page } from '@playwright/test';

/** The web-mode token the hub was started with (see playwright.config.ts). */
export const token = process.env.SWITCHBOARD_E2E_TOKEN ?? '';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The echo fixture: a real stdio MCP server with `echo` (text) and `add` (a, b). */
export const echoServer = {
  command: process.execPath,
  args: [fileURLToPath(new URL('../fixtures/servers/echo-server.ts', import.meta.url))],
};

/** The echo fixture as a server definition, for specs that add it through the contract. */
export const echoDefinition = {
  prefix: 'echo',
  name: 'Echo fixture',
  transport: 'stdio',
  command: echoServer.command,
  args: echoServer.args,
};

/** Opens the UI the way a person does: the URL the CLI prints, with the token in the fragment. */
export async function openUi(page: Page, route = '#/servers'): Promise<void> {
  await page.goto(`/ui/#token=${encodeURIComponent(token)}`);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  if (route !== '#/servers') await page.evaluate((hash) => (location.hash = hash), route);
}

/**
 * Where screenshotBoth writes. The pictures in docs/screenshots/ are committed, so a test run must not
 * rewrite them (a run would dirty the tree with pixel noise): they are retaken only when asked
 * (`npm run screenshots`, which sets SWITCHBOARD_SCREENSHOTS=1). Every other run still takes them — the
 * capture and its "no skeletons" check stay tested — into test-results/screenshots/ (git-ignored, kept as
 * a CI artifact).
 */
export const screenshotDir =
  process.env.SWITCHBOARD_SCREENSHOTS === '1'
    ? `${repoRoot}docs/screenshots`
    : `${repoRoot}test-results/screenshots`;

/** Saves the page in light and dark as <screenshotDir>/<name>-<scheme>.png. */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // No skeletons in the pictures.
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    // With a dialog open, the viewport only: its fixed backdrop would cover just the top of a full page.
    const dialogOpen = (await page.getByRole('dialog').count()) > 0;
    await page.screenshot({
      path: `${screenshotDir}/${name}-${colorScheme}.png`,
      fullPage: !dialogOpen,
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// ---- The hub from the outside: its contract API, its MCP endpoint, its log ----

/** The hub under test, e.g. http://127.0.0.1:41234 (set by the global setup or by the person). */
export const baseUrl = process.env.SWITCHBOARD_E2E_BASE_URL ?? '';

/** Where the global setup copies the hub's stdout and stderr; undefined for a hub started by hand. */
export const hubLogFile = process.env.SWITCHBOARD_E2E_HUB_LOG;

/** The hub's data folder; undefined for a hub started by hand. */
export const dataDir = process.env.SWITCHBOARD_E2E_DATA_DIR;

/** A contract command refused by the hub (`{ ok: false, error }`). */
export class ContractError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * Runs one contract command the way the window does (`POST /ui/api/<command>` with the UI token), for
 * set-up and clean-up around what a spec drives through the UI.
 */
export async function contract<T = unknown>(
  command: string,
  input: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${baseUrl}/ui/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ input }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as
    { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!body.ok) throw new ContractError(body.error.code, body.error.message);
  return body.value;
}

/** Removes a server (and its variables and sign-in) if it exists: specs leave no server behind. */
export async function removeServerIfPresent(prefix: string): Promise<void> {
  try {
    await contract('servers.remove', { prefix });
  } catch (error) {
    if (!(error instanceof ContractError && error.code === 'NOT_FOUND')) throw error;
  }
}

/** Adds the echo fixture as a stdio server through the contract; `extra` adds or overrides definition fields. */
export async function addEchoServer(
  prefix: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await contract('servers.add', {
    definition: {
      prefix,
      name,
      transport: 'stdio',
      command: echoServer.command,
      args: echoServer.args,
      ...extra,
    },
  });
}

/** Creates a client token (what an AI client app is given) and returns its value. */
export async function createClientToken(name: string): Promise<string> {
  await revokeClientTokenIfPresent(name);
  const created = await contract<{ name: string; token: string }>('tokens.create', { name });
  return created.token;
}

export async function revokeClientTokenIfPresent(name: string): Promise<void> {
  const tokens = await contract<{ name: string }[]>('tokens.list');
  if (tokens.some((t) => t.name === name)) await contract('tokens.revoke', { name });
}

/** A real MCP SDK client connected to the gateway's aggregate endpoint `<base>/mcp` with a client token. */
export async function connectMcpClient(
  clientToken: string,
  options: ClientOptions = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${clientToken}` } },
  });
  const client = new Client({ name: 'switchboard-e2e', version: '1.0.0' }, options);
  await client.connect(transport, { timeout: 20_000 });
  return { client, transport };
}

/** Tool names a brand-new MCP client sees on `<base>/mcp` (no session, no cache carried over). */
export async function listToolsAsNewClient(clientToken: string): Promise<string[]> {
  const { client } = await connectMcpClient(clientToken);
  try {
    const { tools } = await client.listTools(undefined, { timeout: 20_000 });
    return tools.map((t) => t.name).sort();
  } finally {
    await client.close().catch(() => {});
  }
}

/** How much the hub has printed so far: pass it to `waitForHubOutput` to read only what comes after. */
export function hubLogOffset(): number {
  if (!hubLogFile) throw new Error('the hub log is only known when the global setup started the hub');
  return existsSync(hubLogFile) ? statSync(hubLogFile).size : 0;
}

/** What the hub printed since `offset`. */
export function hubOutputSince(offset: number): string {
  if (!hubLogFile) throw new Error('the hub log is only known when the global setup started the hub');
  return readFileSync(hubLogFile).subarray(offset).toString('utf8');
}

/** Waits (bounded) for the hub to print something matching `pattern` after `offset`. */
export async function waitForHubOutput(
  pattern: RegExp,
  offset: number,
  timeoutMs = 20_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(hubOutputSince(offset));
    if (match) return match;
    if (Date.now() > deadline) {
      throw new Error(`the hub printed nothing matching ${pattern} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
