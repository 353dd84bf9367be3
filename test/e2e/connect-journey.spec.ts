import { expect, test, type Page } from '@playwright/test';
import type { OidcHarness } from '../fixtures/oauth/oidc-harness.ts';
import { startOidcHarness } from '../fixtures/oauth/oidc-harness.ts';
import type { ProtectedServer } from '../fixtures/oauth/protected-mcp-server.ts';
import { startProtectedServer } from '../fixtures/oauth/protected-mcp-server.ts';
import { startJourneyHub, type JourneyHub } from './journey-hub.ts';

/**
 * Journey (e) of issue 11 (item 4): OAuth Connect in web mode. A new user adds a remote server with
 * authentication "None"; it answers 401 naming its protected-resource metadata. The window detects the need
 * and offers Connect where the problem is shown; Connect SHOWS the sign-in page as a link in the page (the hub
 * opens nothing in web mode, and prints nothing of the address: issue 12.10); the person opens it, signs in
 * and consents on oidc-provider's real pages, lands on the hub's own callback, and the window moves to
 * "Connected" by itself; the server becomes healthy and a real MCP client uses its tools. A second Connect is
 * cancelled from the window. Fresh data folder and a real `switchboard serve --ui` of its own.
 */

test.use({ viewport: { width: 1280, height: 800 } });

const PREFIX = 'notes';
const NAME = 'Protected notes';
const LOGIN = 'alice';

let hub: JourneyHub;
let idp: OidcHarness;
let upstream: ProtectedServer;

test.describe.serial('journey (e): a 401 server added with auth None, connected from the window', () => {
  test.beforeAll(async () => {
    idp = await startOidcHarness();
    upstream = await startProtectedServer({ issuer: idp.issuer });
    idp.allowResource(upstream.resource);
    hub = await startJourneyHub();
  });

  test.afterAll(async () => {
    await hub?.dispose();
    await upstream?.close();
    await idp?.close();
  });

  test('Connect is offered, the link is shown in the page, the real login completes it', async ({
    page,
    context,
  }) => {
    test.setTimeout(180_000);
    await page.goto(hub.uiUrl);
    await page.evaluate(() => (location.hash = '#/add'));
    await page.getByRole('radio', { name: 'Remote', exact: true }).check();
    await page.getByRole('textbox', { name: /^Prefix/ }).fill(PREFIX);
    await page.getByRole('textbox', { name: /^Display name/ }).fill(NAME);
    await page.getByRole('textbox', { name: /^URL/ }).fill(upstream.url);
    await expect(page.getByRole('combobox', { name: /^Authentication/ })).toHaveValue('none');
    await page.getByRole('button', { name: 'Add server' }).click();
    await expect(page.getByRole('heading', { level: 1, name: NAME })).toBeVisible();

    // Detected: the 401 named an authorization server, so the problem is "Needs sign-in" with a way on.
    await expect(page.getByRole('img', { name: /^Health: Needs sign-in/ })).toBeVisible({ timeout: 60_000 });
    const needsSignIn = page.locator('.callout', { hasText: 'Needs sign-in.' });
    await expect(needsSignIn).toBeVisible();
    await needsSignIn.getByRole('button', { name: 'Open Sign-in' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Sign-in' });
    // Not the "No OAuth" / client-secret wording of a server that uses no sign-in.
    await expect(panel.getByText('OAuth sign-in in your browser')).toBeVisible();
    await expect(panel).not.toContainText(/client secret|No sign-in: this server/i);
    await expect(panel.getByText('Not connected', { exact: true })).toBeVisible();

    const outputBefore = hub.output().length;
    await panel.getByRole('button', { name: 'Connect' }).click();

    // The page to open is SHOWN, with a Cancel and a deadline; the hub opened no browser.
    const link = panel.getByRole('link', { name: 'Open the sign-in page' });
    await expect(link).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByText(`Sign in on ${new URL(idp.origin).host} to connect.`)).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Cancel' })).toBeEnabled();
    await expect(panel.getByText(/The sign-in times out in \d+:\d\d/)).toBeVisible();
    const href = await link.getAttribute('href');
    const authorizationUrl = new URL(href!);
    expect(authorizationUrl.origin).toBe(idp.origin);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(upstream.resource);
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(`${hub.baseUrl}/oauth/callback`);

    // The person clicks the link: a new tab, the provider's real pages, then the hub's callback. The
    // provider's page @imports a web font; nothing here may depend on the internet.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    try {
      await signInOnProviderPages(tab);
      await expect(tab).toHaveURL(new RegExp(`^${escapeRegExp(hub.baseUrl)}/oauth/callback\\?`));
      await expect(tab.getByRole('heading', { level: 1, name: `Connected to ${NAME}` })).toBeVisible();
    } finally {
      await tab.close();
    }

    // The window updates by itself; Reconnect is there but not the primary action.
    await expect(panel.locator('.auth-status').getByText('Connected', { exact: true })).toBeVisible({
      timeout: 30_000,
    });
    await expect(panel.getByRole('button', { name: 'Reconnect' })).not.toHaveClass(/primary/);
    await expect(panel.getByRole('button', { name: 'Disconnect' })).toBeVisible();
    await expect(panel.getByRole('link', { name: /Open the sign-in page/ })).toHaveCount(0);
    await expect(page.getByRole('img', { name: /^Health: Healthy/ })).toBeVisible({ timeout: 60_000 });
    expect(await page.content()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(upstream.lastClaims).toMatchObject({ iss: idp.issuer, aud: upstream.resource, sub: LOGIN });

    // Issue 12.10: serve's output (its log) never held the one-time address.
    const printed = hub.output().slice(outputBefore);
    expect(printed).not.toContain(authorizationUrl.searchParams.get('state')!);
    expect(printed).not.toContain(authorizationUrl.searchParams.get('code_challenge')!);
    expect(printed).not.toMatch(/Open this page to sign in/);

    // A real MCP client now uses the protected tools through the hub.
    const client = await hub.connectClient(await hub.clientToken('journey-e'));
    try {
      await expect
        .poll(async () => (await client.listTools()).tools.map((t) => t.name), { timeout: 30_000 })
        .toEqual(expect.arrayContaining([`${PREFIX}__whoami`]));
      const result = await client.callTool({ name: `${PREFIX}__whoami`, arguments: {} });
      expect(result.isError).not.toBe(true);
    } finally {
      await client.close().catch(() => {});
    }
  });

  test('a Reconnect that waits can be cancelled from the window; the grant stays', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(hub.uiUrl);
    await page.evaluate((prefix) => (location.hash = `#/servers/${prefix}/auth`), PREFIX);
    const panel = page.getByRole('tabpanel', { name: 'Sign-in' });
    await panel.getByRole('button', { name: 'Reconnect' }).click();
    await expect(panel.getByRole('link', { name: 'Open the sign-in page' })).toBeVisible({ timeout: 30_000 });

    // Leaving the page and coming back still shows the waiting sign-in (it is the hub's, by server).
    await page.evaluate((prefix) => (location.hash = `#/servers/${prefix}`), PREFIX);
    await page.evaluate((prefix) => (location.hash = `#/servers/${prefix}/auth`), PREFIX);
    await expect(panel.getByRole('link', { name: 'Open the sign-in page' })).toBeVisible();

    await panel.getByRole('button', { name: 'Cancel' }).click();
    await expect(panel.getByText('Sign-in cancelled. Nothing was changed.')).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByRole('link', { name: 'Open the sign-in page' })).toHaveCount(0);
    await expect(panel.locator('.auth-status').getByText('Connected', { exact: true })).toBeVisible();
  });
});

/** What the person does on oidc-provider's devInteractions pages: log in, then consent. */
async function signInOnProviderPages(tab: Page): Promise<void> {
  await tab.getByPlaceholder('Enter any login').fill(LOGIN);
  await tab.getByPlaceholder('and password').fill('any-password');
  await tab.getByRole('button', { name: 'Sign-in' }).click();
  await tab.getByRole('button', { name: 'Continue' }).click();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
