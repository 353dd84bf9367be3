import { expect, test } from '@playwright/test';
import { openUi, screenshotBoth } from './helpers.ts';

test('shows the gateway and the data folder', async ({ page }) => {
  await openUi(page, '#/settings');
  await expect(page.getByText(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy path' })).toBeVisible();
  await screenshotBoth(page, 'settings');
});

test('a client token is shown once, with a copy button, then can be revoked', async ({ page }) => {
  await openUi(page, '#/settings');
  await page.getByRole('textbox', { name: 'New token name' }).fill('e2e-script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: /Token “e2e-script” created/ });
  const value = await dialog.getByLabel('The new token').textContent();
  expect(value?.length).toBeGreaterThan(16);
  await expect(dialog.getByRole('button', { name: 'Copy token' })).toBeVisible();
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await expect(page.getByRole('cell', { name: 'e2e-script', exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(value ?? '');
  await page.getByRole('button', { name: 'Revoke e2e-script' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('cell', { name: 'e2e-script', exact: true })).toHaveCount(0);
});

test('saves a preference and refuses an invalid port', async ({ page }) => {
  await openUi(page, '#/settings');
  const idle = page.getByRole('spinbutton', { name: 'Stop idle local servers after' });
  await idle.fill('900');
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.getByRole('spinbutton', { name: 'Gateway port' }).fill('80');
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByRole('spinbutton', { name: 'Gateway port' })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
});
