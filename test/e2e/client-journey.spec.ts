import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { expect, test } from '@playwright/test';
import { echoDefinition } from './helpers.ts';
import { startJourneyHub, type JourneyHub } from './journey-hub.ts';

/**
 * Journey (c) of issue 11: a person runs `switchboard serve --ui --port <n>` on a port that is not the default,
 * connects Cursor from the window, and Cursor must reach THIS hub. Connect writes the Gateway port setting (so
 * entries survive a restart without --port), so the window says where the hub listens and what Connect would
 * write before anything is written; the person follows it (the port in Settings), connects, and a real MCP SDK
 * client using exactly the URL and headers written into Cursor's file lists the hub's tools. Cursor's file is
 * in a home of the test's own (SWITCHBOARD_CLIENT_HOME), found through its `~/.cursor` folder.
 */

test.use({ viewport: { width: 1280, height: 800 } });

const DEFAULT_PORT = 17517;

/** A port nobody listens on right now (the OS picks it), other than the default one. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port !== DEFAULT_PORT && port >= 1024) return port;
  }
}

interface CursorFile {
  mcpServers?: Record<string, { url?: string; headers?: Record<string, string> }>;
}

test.describe('journey (c): serve --port, then connect Cursor', () => {
  let hub: JourneyHub;
  let home: string;
  let port: number;
  test.beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'switchboard-client-home-'));
    // Cursor looks installed once its folder exists; connecting creates mcp.json in it.
    await mkdir(join(home, '.cursor'));
    port = await freePort();
    hub = await startJourneyHub({ port, env: { SWITCHBOARD_CLIENT_HOME: home } });
    await hub.contract('servers.add', { definition: echoDefinition });
  });
  test.afterAll(async () => {
    await hub?.dispose();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('the window says where the hub listens; the URL and headers written reach it', async ({ page }) => {
    test.setTimeout(180_000);
    expect(hub.port).toBe(port);
    const listening = `http://127.0.0.1:${port}/mcp`;
    await page.goto(hub.uiUrl.replace('#token=', '#/clients?token='));
    await expect(page.getByRole('heading', { level: 1, name: 'AI clients' })).toBeVisible();

    // Before anything is written: where this run listens, and that Connect would write another port.
    const where = page.getByRole('region', { name: 'Where Switchboard listens' });
    await expect(where).toContainText(`Switchboard listens on ${listening} for this run`);
    await expect(where).toContainText(`Gateway port setting (${DEFAULT_PORT})`);
    await expect(page.getByRole('link', { name: /^Gateway running/ })).toHaveAccessibleName(
      new RegExp(`port ${port}$`),
    );

    // The way out it names: the Gateway port in Settings.
    await where.getByRole('link', { name: `Set the Gateway port to ${port}` }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    const portField = page.getByRole('spinbutton', { name: /^Gateway port/ });
    await portField.fill(String(port));
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect(page.getByRole('form', { name: 'Preferences' }).getByRole('status')).toHaveText('Saved.');

    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Clients', exact: true })
      .click();
    await expect(where).toContainText(`Switchboard listens on ${listening}.`);
    await expect(where).not.toContainText('for this run');

    const cursor = page
      .getByRole('list', { name: 'Detected clients' })
      .getByRole('listitem')
      .filter({ has: page.getByText('Cursor', { exact: true }) });
    await expect(cursor).toContainText('Not connected');
    await cursor.getByRole('button', { name: 'Connect Cursor' }).click();

    // Before writing: the lines it would write, with a placeholder where the token goes; nothing written yet.
    const dialog = page.getByRole('dialog', { name: 'Connect Cursor' });
    const changes = dialog.getByRole('region', { name: 'Changes to the file' });
    await expect(changes).toContainText(`Switchboard creates ${join(home, '.cursor', 'mcp.json')}`);
    await expect(changes).toContainText(`+       "url": "${listening}",`);
    await expect(changes).toContainText('Bearer <new-token-made-when-you-connect>');
    await expect(readFile(join(home, '.cursor', 'mcp.json'))).rejects.toThrow();
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(cursor.getByRole('status')).toContainText(
      `Connected: Cursor reaches Switchboard at ${listening}.`,
      { timeout: 30_000 },
    );
    await expect(cursor.getByRole('button', { name: 'Disconnect Cursor' })).toBeVisible();

    // Test: the hub's tools, listed through exactly the entry now in Cursor's file.
    await cursor.getByRole('button', { name: "Test Cursor's entry" }).click();
    await expect(cursor.getByRole('status').filter({ hasText: 'Works:' })).toContainText(
      new RegExp(`Works: ${listening.replaceAll('.', '\\.')} lists \\d+ tools \\(echo__`),
      { timeout: 30_000 },
    );

    // What Cursor would do: read its file and connect with exactly what is there.
    const file = JSON.parse(await readFile(join(home, '.cursor', 'mcp.json'), 'utf8')) as CursorFile;
    const entry = file.mcpServers?.switchboard;
    expect(entry?.url).toBe(listening);
    expect(Object.keys(entry?.headers ?? {})).not.toHaveLength(0);
    const client = new Client({ name: 'cursor-stand-in', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(entry!.url!), {
        requestInit: { headers: entry!.headers! },
      }),
      { timeout: 20_000 },
    );
    try {
      await expect
        .poll(async () => (await client.listTools(undefined, { timeout: 20_000 })).tools.map((t) => t.name), {
          timeout: 30_000,
        })
        .toEqual(expect.arrayContaining(['echo__echo', 'echo__add']));
    } finally {
      await client.close().catch(() => {});
    }
  });
  test('a client that was not found: the entry to paste by hand, or connected anyway', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(hub.uiUrl.replace('#token=', '#/clients?token='));
    await page.getByText(/^Not found on this machine/).click();
    await page.getByRole('button', { name: 'Set up Windsurf' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect Windsurf' });
    await expect(dialog).toContainText('Windsurf was not found on this machine.');

    await dialog.getByText('Set it up by hand instead').click();
    const entry = dialog.getByLabel('Entry for Windsurf');
    await expect(entry).toContainText(`"serverUrl": "http://127.0.0.1:${port}/mcp"`);
    await expect(entry).toContainText('Bearer <new-token-made-when-you-connect>');
    await dialog.getByRole('button', { name: 'Make a token for it' }).click();
    await expect(entry).toContainText(/Bearer sbt_[A-Za-z0-9_-]{43}/);
    await expect(dialog).toContainText('shown this once');

    await dialog.getByRole('button', { name: 'Connect anyway' }).click();
    await expect(dialog).toHaveCount(0);
    const windsurf = page
      .getByRole('list', { name: 'Detected clients' })
      .getByRole('listitem')
      .filter({ has: page.getByText('Windsurf', { exact: true }) });
    await expect(windsurf.getByRole('status')).toContainText('Connected: Windsurf reaches Switchboard');
    await expect(windsurf).toContainText('Connected');
    const file = await readFile(join(home, '.codeium', 'windsurf', 'mcp_config.json'), 'utf8');
    expect(file).toMatch(/"serverUrl": "http:\/\/127\.0\.0\.1:\d+\/mcp"/);
  });
});
