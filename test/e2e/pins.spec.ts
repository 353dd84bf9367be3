import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import { expect, test } from '@playwright/test';
import {
  connectMcpClient,
  contract,
  createClientToken,
  listToolsAsNewClient,
  openUi,
  removeServerIfPresent,
  revokeClientTokenIfPresent,
  screenshotBoth,
} from './helpers.ts';

/**
 * Acceptance (issue 14): a server changes a tool's description after its third call (a "rug pull"). A REAL MCP
 * client on `<base>/mcp` loses the tool with list_changed and is refused when it calls it; the window shows the
 * word-level diff on the server's Tools tab; approving it there restores the tool. The other tools never stop
 * working.
 */

const PREFIX = 'rugpull';
const TOKEN_NAME = 'e2e-pins';
const FIXTURE = fileURLToPath(new URL('../fixtures/servers/rug-pull-server.ts', import.meta.url));
const EXPOSED = `${PREFIX}__fetch_page`;

let clientToken = '';
let session: Client | undefined;
let stateDir = '';
let notified = 0;

const callOnce = (client: Client, name: string, args: Record<string, unknown>) =>
  client.callTool({ name, arguments: args }, { timeout: 20_000 });
const textOf = (result: { content?: unknown }) =>
  ((result.content as { text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('\n');

test.describe.serial('a changed tool waits for approval in the window', () => {
  test.beforeAll(async () => {
    await removeServerIfPresent(PREFIX);
    clientToken = await createClientToken(TOKEN_NAME);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-rugpull-'));
    await contract('servers.add', {
      definition: {
        prefix: PREFIX,
        name: 'Rug-pull fixture',
        transport: 'stdio',
        command: process.execPath,
        args: [FIXTURE, `--state=${path.join(stateDir, 'state.json')}`],
      },
    });
    await expect
      .poll(() => listToolsAsNewClient(clientToken), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([EXPOSED, `${PREFIX}__add`, `${PREFIX}__echo`]));
    session = (await connectMcpClient(clientToken)).client;
    session.setNotificationHandler('notifications/tools/list_changed', () => void notified++);
  });

  test.afterAll(async () => {
    await session?.close().catch(() => {});
    await removeServerIfPresent(PREFIX);
    await revokeClientTokenIfPresent(TOKEN_NAME);
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test('after its third call the tool is withheld from clients, with list_changed', async () => {
    for (let i = 1; i <= 3; i++) {
      expect(textOf(await callOnce(session!, EXPOSED, { url: 'https://example.com' }))).toContain(
        `(call ${i})`,
      );
    }
    await expect.poll(() => notified, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => listToolsAsNewClient(clientToken), { timeout: 20_000 }).not.toContain(EXPOSED);
    const listed = await session!.listTools(undefined, { cacheMode: 'bypass' });
    expect(listed.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([`${PREFIX}__add`, `${PREFIX}__echo`]),
    );
    expect(listed.tools.map((t) => t.name)).not.toContain(EXPOSED);

    const refused = await callOnce(session!, EXPOSED, { url: 'https://example.com' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('changed its definition since it was approved');
    expect(textOf(await callOnce(session!, `${PREFIX}__add`, { a: 1, b: 2 }))).toBe('3');
  });

  test('the window shows the word-level diff and approving restores the tool', async ({ page }) => {
    await openUi(page, `#/servers/${PREFIX}/tools`);
    const pending = page.getByRole('region', { name: /1 tool change waiting for approval/ });
    await expect(pending).toBeVisible({ timeout: 30_000 });
    const diff = pending.getByLabel('What changed in fetch_page');
    await expect(diff.locator('ins').filter({ hasText: 'IMPORTANT' })).toBeVisible();
    await expect(diff).toContainText('Fetches a web page and returns its text.');
    await expect(pending.getByText('Changed: description')).toBeVisible();
    // The tool's own row says clients do not see it, rather than the name they would see.
    const withheld = 'Withheld from clients: its definition changed; approve it above';
    await expect(page.getByText(withheld)).toBeVisible();
    await expect(page.getByText('2 of 3 tools exposed to clients')).toBeVisible();
    await screenshotBoth(page, 'tool-pins-pending');

    const before = notified;
    await pending.getByRole('button', { name: 'Approve fetch_page' }).click();
    await expect(page.getByRole('region', { name: /waiting for approval/ })).toHaveCount(0, {
      timeout: 15_000,
    });
    await expect(page.getByText(withheld)).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByText('3 of 3 tools exposed to clients')).toBeVisible();

    await expect.poll(() => listToolsAsNewClient(clientToken), { timeout: 20_000 }).toContain(EXPOSED);
    await expect.poll(() => notified, { timeout: 20_000 }).toBeGreaterThan(before);
    const restored = await callOnce(session!, EXPOSED, { url: 'https://example.com' });
    expect(restored.isError).not.toBe(true);
    expect(textOf(await callOnce(session!, `${PREFIX}__echo`, { text: 'still here' }))).toBe('still here');

    // Stored: a reload shows nothing pending.
    await page.reload();
    await expect(page.getByRole('region', { name: 'Guards' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('region', { name: /waiting for approval/ })).toHaveCount(0);
  });
});
