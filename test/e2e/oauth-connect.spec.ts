import { expect, test, type Page } from '@playwright/test';
import type { OidcHarness } from '../fixtures/oauth/oidc-harness.ts';
import { startOidcHarness } from '../fixtures/oauth/oidc-harness.ts';
import type { ProtectedServer } from '../fixtures/oauth/protected-mcp-server.ts';
import { startProtectedServer } from '../fixtures/oauth/protected-mcp-server.ts';
import {
  baseUrl,
  connectMcpClient,
  createClientToken,
  hubLogFile,
  hubLogOffset,
  hubOutputSince,
  listToolsAsNewClient,
  openUi,
  removeServerIfPresent,
  revokeClientTokenIfPresent,
} from './helpers.ts';

/**
 * Acceptance: OAuth Connect end to end, in a real browser. A real oidc-provider (devInteractions login and
 * consent pages) and an MCP server that only accepts its JWTs (iss, aud = its own URL, scope) run on
 * 127.0.0.1 in this worker. The person adds the server in the window, clicks Connect; the hub — started
 * with SWITCHBOARD_NO_BROWSER=1, so it launches no browser — prints the sign-in address, which this spec
 * opens in a new tab like the person would, signs in, consents, and lands on the hub's callback page.
 * The window then shows the server connected and healthy, and a real MCP client uses its tools via /mcp.
 */

const PREFIX = 'oauth-notes';
const NAME = 'OAuth notes';
const TOKEN_NAME = 'e2e-oauth-connect';
const LOGIN = 'alice';
const SIGN_IN_LINE = /Open this page to sign in:\s+(http\S+)/;

let idp: OidcHarness | undefined;
let upstream: ProtectedServer | undefined;
let clientToken = '';

test.describe.serial('OAuth Connect through the real login page of the authorization server', () => {
  test.skip(!hubLogFile, 'needs the hub started by the global setup (its printed sign-in address)');

  test.beforeAll(async () => {
    await removeServerIfPresent(PREFIX);
    idp = await startOidcHarness();
    upstream = await startProtectedServer({ issuer: idp.issuer });
    idp.allowResource(upstream.resource);
    clientToken = await createClientToken(TOKEN_NAME);
  });

  test.afterAll(async () => {
    // Removing the server also forgets its grant in the hub's vault.
    await removeServerIfPresent(PREFIX).catch(() => {});
    await revokeClientTokenIfPresent(TOKEN_NAME).catch(() => {});
    await upstream?.close();
    await idp?.close();
  });

  test('the protected server, added with the form, asks for sign-in and opens nothing by itself', async ({
    page,
  }) => {
    const offset = hubLogOffset();
    await openUi(page, '#/add');
    await page.getByRole('radio', { name: 'Remote', exact: true }).check();
    await page.getByRole('textbox', { name: /^Prefix/ }).fill(PREFIX);
    await page.getByRole('textbox', { name: /^Display name/ }).fill(NAME);
    await page.getByRole('textbox', { name: /^URL/ }).fill(upstream!.url);
    await page.getByRole('combobox', { name: /^Authentication/ }).selectOption('authorization_code');
    await page.getByRole('button', { name: 'Add server' }).click();
    await expect(page.getByRole('heading', { level: 1, name: NAME })).toBeVisible();

    await expect(page.getByRole('img', { name: /^Health: Needs sign-in/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText('Needs sign-in.')).toBeVisible();
    // The hub reached the upstream (which refused it) — and did not start a sign-in on its own.
    await expect.poll(() => upstream!.seenAuthorization.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(upstream!.bearerTokens()).toEqual([]);
    expect(hubOutputSince(offset)).not.toMatch(SIGN_IN_LINE);
    expect(await listToolsAsNewClient(clientToken)).not.toContain(`${PREFIX}__whoami`);
  });

  test('Connect → sign in and consent in the browser → callback page → connected and healthy', async ({
    page,
    context,
  }) => {
    await openUi(page, `#/servers/${PREFIX}/auth`);
    const panel = page.getByRole('tabpanel', { name: 'Sign-in' });
    await expect(panel.getByText('Not connected', { exact: true })).toBeVisible();

    await panel.getByRole('button', { name: 'Connect' }).click();
    // The sign-in page is shown in the window as a link (in web mode the hub opens no browser of its own).
    const link = panel.getByRole('link', { name: 'Open the sign-in page' });
    await expect(link).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByRole('button', { name: 'Cancel' })).toBeEnabled();
    const authorizationUrl = new URL((await link.getAttribute('href'))!);
    expect(authorizationUrl.origin).toBe(idp!.origin);
    expect(authorizationUrl.searchParams.get('response_type')).toBe('code');
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(upstream!.resource);
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(`${baseUrl}/oauth/callback`);

    const browserTab = await context.newPage();
    try {
      await signInOnProviderPages(browserTab, authorizationUrl);
      await expect(browserTab).toHaveURL(new RegExp(`^${escapeRegExp(baseUrl)}/oauth/callback\\?`));
      await expect(browserTab.getByRole('heading', { level: 1, name: `Connected to ${NAME}` })).toBeVisible();
      await expect(browserTab.getByText('You can close this tab')).toBeVisible();
    } finally {
      await browserTab.close();
    }

    // The window updates by itself.
    await expect(panel.locator('.auth-status').getByText('Connected', { exact: true })).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Reconnect' })).toBeEnabled();
    await expect(panel.getByRole('button', { name: 'Disconnect' })).toBeVisible();
    await expect(panel.getByText(idp!.issuer, { exact: true })).toBeVisible();
    await expect(panel.locator('code.chip', { hasText: 'mcp:read' })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Health: Healthy/ })).toBeVisible({ timeout: 30_000 });
    // No token reached the window.
    expect(await page.content()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);

    // What the upstream accepted is a JWT from this issuer, for this resource, on behalf of the person.
    expect(upstream!.bearerTokens().length).toBeGreaterThan(0);
    expect(upstream!.lastClaims).toMatchObject({ iss: idp!.issuer, aud: upstream!.resource, sub: LOGIN });
  });

  test('a real MCP client lists and calls the protected tools through /mcp', async () => {
    await expect
      .poll(() => listToolsAsNewClient(clientToken), { timeout: 20_000 })
      .toEqual(expect.arrayContaining([`${PREFIX}__whoami`, `${PREFIX}__write_note`]));

    const { client } = await connectMcpClient(clientToken);
    try {
      const result = await client.callTool({ name: `${PREFIX}__whoami`, arguments: {} });
      expect(result.isError).not.toBe(true);
      const [first] = result.content as { type: string; text: string }[];
      expect(JSON.parse(first!.text)).toMatchObject({ sub: LOGIN });
    } finally {
      await client.close().catch(() => {});
    }
    // The gateway's own client token never travels upstream: only the provider's JWTs do.
    expect(upstream!.seenAuthorization).not.toContain(`Bearer ${clientToken}`);
    for (const bearer of upstream!.bearerTokens()) expect(bearer).toMatch(/^eyJ/);
  });
});

/** What the person does on oidc-provider's devInteractions pages: log in, then consent. */
async function signInOnProviderPages(tab: Page, authorizationUrl: URL): Promise<void> {
  // The provider's page @imports a web font; nothing here may depend on the internet.
  await tab.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  await tab.goto(authorizationUrl.href);
  await tab.getByPlaceholder('Enter any login').fill(LOGIN);
  await tab.getByPlaceholder('and password').fill('any-password');
  await tab.getByRole('button', { name: 'Sign-in' }).click();
  await tab.getByRole('button', { name: 'Continue' }).click();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
