import type { Client } from '@modelcontextprotocol/client';
import { expect, test } from '@playwright/test';
import {
  connectMcpClient,
  addEchoServer,
  createClientToken,
  listToolsAsNewClient,
  openUi,
  removeServerIfPresent,
  revokeClientTokenIfPresent,
} from './helpers.ts';

/**
 * Acceptance: a person switches a tool off in the window, and a REAL MCP client (SDK v2, Streamable HTTP,
 * a client token as `Authorization: Bearer`) no longer sees it on `<base>/mcp`; switched back on, it is back.
 * Clients that keep a connection open are told: notifications/tools/list_changed, on the session era's GET
 * stream and on the 2026 era's subscriptions/listen stream.
 */

const PREFIX = 'toggle';
const NAME = 'Toggle fixture';
const TOKEN_NAME = 'e2e-tool-toggle';
const EXPOSED = `${PREFIX}__echo`;

let clientToken = '';
/** How many tools the fixture has (all exposed at first). */
let toolCount = 0;
/** A client that keeps a 2025 session (and its GET stream) open across the whole test. */
let sessionClient: Client | undefined;
/** A client on the 2026-07-28 era, listening for list changes on a subscriptions/listen stream. */
let modernClient: Client | undefined;
let modernSubscription: { close(): Promise<void> } | undefined;
const notified = { session: 0, modern: 0 };

test.describe.serial('turning a tool off hides it from a real MCP client', () => {
  test.beforeAll(async () => {
    await removeServerIfPresent(PREFIX);
    clientToken = await createClientToken(TOKEN_NAME);
    await addEchoServer(PREFIX, NAME);
    // The hub connects a new server in the background to learn its tools; a client sees them once it did.
    await expect
      .poll(() => listToolsAsNewClient(clientToken), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([EXPOSED, `${PREFIX}__add`]));
    toolCount = (await listToolsAsNewClient(clientToken)).filter((n) => n.startsWith(`${PREFIX}__`)).length;

    const session = await connectMcpClient(clientToken);
    sessionClient = session.client;
    expect(sessionClient.getProtocolEra()).toBe('legacy');
    expect(session.transport.sessionId).toBeTruthy();
    sessionClient.setNotificationHandler('notifications/tools/list_changed', () => void notified.session++);

    const modern = await connectMcpClient(clientToken, { versionNegotiation: { mode: 'auto' } });
    modernClient = modern.client;
    expect(modernClient.getProtocolEra()).toBe('modern');
    modernClient.setNotificationHandler('notifications/tools/list_changed', () => void notified.modern++);
    modernSubscription = await modernClient.listen({ toolsListChanged: true });
  });

  test.afterAll(async () => {
    await modernSubscription?.close().catch(() => {});
    await modernClient?.close().catch(() => {});
    await sessionClient?.close().catch(() => {});
    await removeServerIfPresent(PREFIX);
    await revokeClientTokenIfPresent(TOKEN_NAME);
  });

  test('switched off in the window, the tool vanishes from tools/list', async ({ page }) => {
    const before = { ...notified };
    await openUi(page, `#/servers/${PREFIX}/tools`);
    const toggle = page.getByRole('switch', { name: 'Expose echo to clients' });
    await expect(toggle).toHaveAttribute('aria-checked', 'true', { timeout: 30_000 });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-checked', 'false');
    await expect(page.getByText(`${toolCount - 1} of ${toolCount} tools exposed to clients`)).toBeVisible();

    // A client that connects now.
    await expect.poll(() => listToolsAsNewClient(clientToken), { timeout: 10_000 }).not.toContain(EXPOSED);
    const now = await listToolsAsNewClient(clientToken);
    expect(now).toContain(`${PREFIX}__add`);

    // Clients that stayed connected were told, and see the same list when they ask again.
    await expect.poll(() => notified.session, { timeout: 10_000 }).toBeGreaterThan(before.session);
    await expect.poll(() => notified.modern, { timeout: 10_000 }).toBeGreaterThan(before.modern);
    const sessionTools = await sessionClient!.listTools(undefined, { cacheMode: 'bypass' });
    expect(sessionTools.tools.map((t) => t.name)).not.toContain(EXPOSED);
    expect(sessionTools.tools.map((t) => t.name)).toContain(`${PREFIX}__add`);
    const modernTools = await modernClient!.listTools(undefined, { cacheMode: 'bypass' });
    expect(modernTools.tools.map((t) => t.name)).not.toContain(EXPOSED);

    // Hidden means hidden: the gateway refuses to call it, even by its exact name.
    const call = await sessionClient!.callTool({ name: EXPOSED, arguments: { text: 'still there?' } }).then(
      (result) => ({ rejected: false, isError: result.isError === true, text: JSON.stringify(result) }),
      (error: unknown) => ({ rejected: true, isError: true, text: String(error) }),
    );
    expect(call.isError, `calling a switched-off tool answered ${call.text}`).toBe(true);
    expect(call.text).toMatch(/unknown tool/i);

    // The switch is stored: a reload shows it off.
    await page.reload();
    await expect(page.getByRole('switch', { name: 'Expose echo to clients' })).toHaveAttribute(
      'aria-checked',
      'false',
    );
  });

  test('switched back on, it is listed again and callable', async ({ page }) => {
    const before = { ...notified };
    await openUi(page, `#/servers/${PREFIX}/tools`);
    const toggle = page.getByRole('switch', { name: 'Expose echo to clients' });
    await expect(toggle).toHaveAttribute('aria-checked', 'false', { timeout: 30_000 });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByText(`${toolCount} of ${toolCount} tools exposed to clients`)).toBeVisible();

    await expect.poll(() => listToolsAsNewClient(clientToken), { timeout: 10_000 }).toContain(EXPOSED);

    await expect.poll(() => notified.session, { timeout: 10_000 }).toBeGreaterThan(before.session);
    await expect.poll(() => notified.modern, { timeout: 10_000 }).toBeGreaterThan(before.modern);
    const sessionTools = await sessionClient!.listTools(undefined, { cacheMode: 'bypass' });
    expect(sessionTools.tools.map((t) => t.name)).toContain(EXPOSED);
    const modernTools = await modernClient!.listTools(undefined, { cacheMode: 'bypass' });
    expect(modernTools.tools.map((t) => t.name)).toContain(EXPOSED);

    const result = await sessionClient!.callTool({ name: EXPOSED, arguments: { text: 'back again' } });
    expect(result.isError).not.toBe(true);
    expect(JSON.stringify(result.content)).toContain('back again');
  });
});
