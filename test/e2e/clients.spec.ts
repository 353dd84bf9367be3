import { expect, test } from '@playwright/test';
import { baseUrl, openUi, screenshotBoth } from './helpers.ts';

test('lists the AI clients it looked for, and says where the hub listens', async ({ page }) => {
  await openUi(page, '#/clients');
  await expect(page.getByRole('heading', { level: 1, name: 'AI clients' })).toBeVisible();
  // The hub looks in an empty home of the run's own (global-setup.ts): nothing is detected.
  await expect(page.getByText(/^No AI client was found on this machine\. Set one up below/)).toBeVisible();
  await expect(page.getByText(/^Not found on this machine \(\d+\)$/)).toBeVisible();
  // Not a dead end: every client can be set up, and the list is open when nothing was found.
  await expect(page.getByRole('button', { name: 'Set up Cursor' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Look for clients again' })).toBeEnabled();
  // The shared hub runs on a port of its own (--port 0), so the page says Connect would write another one.
  await expect(page.getByRole('region', { name: 'Where Switchboard listens' })).toContainText(
    `Switchboard listens on ${baseUrl}/mcp for this run`,
  );
  await screenshotBoth(page, 'clients');
});
