import { expect, test } from '@playwright/test';
import { openUi, screenshotBoth, token } from './helpers.ts';

test.describe('web mode shell', () => {
  test('refuses the API without the token', async ({ request }) => {
    const response = await request.post('/ui/api/servers.list', { data: { input: {} } });
    expect(response.status()).toBe(401);
    const authorised = await request.post('/ui/api/servers.list', {
      data: { input: {} },
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(authorised.status()).toBe(200);
    expect(await authorised.json()).toMatchObject({ ok: true });
  });

  test('takes the token from the URL and removes it from the address bar', async ({ page }) => {
    await openUi(page);
    expect(page.url()).not.toContain(token);
    expect(page.url()).toMatch(/#\/servers$/);
    // A reload keeps working (the token stays in sessionStorage for the tab).
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Servers' })).toBeVisible();
  });

  test('starts empty, offering the catalog and an import', async ({ page }) => {
    await openUi(page);
    const empty = page.getByRole('region', { name: 'No servers yet' });
    await expect(empty).toBeVisible();
    await expect(empty.getByRole('link', { name: 'Add from the catalog' })).toBeVisible();
    await expect(empty.getByRole('link', { name: 'Import from your AI clients' })).toBeVisible();
    await screenshotBoth(page, 'servers-empty');
  });

  test('every section is reachable by keyboard', async ({ page }) => {
    await openUi(page);
    for (const [link, heading] of [
      ['Activity', 'Activity'],
      ['Clients', 'AI clients'],
      ['Settings', 'Settings'],
      ['Servers', 'Servers'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expect(page.getByRole('link', { name: link, exact: true })).toHaveAttribute(
        'aria-current',
        'page',
      );
    }
  });

  test('switches theme from the sidebar', async ({ page }) => {
    await openUi(page);
    const toggle = page.getByRole('button', { name: /Switch theme/ });
    await toggle.click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await toggle.click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await toggle.click();
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
  });
});
