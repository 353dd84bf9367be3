import { expect, test } from '@playwright/test';
import { openUi, screenshotBoth } from './helpers.ts';

test('lists the AI clients it looked for', async ({ page }) => {
  await openUi(page, '#/clients');
  await expect(page.getByRole('heading', { level: 1, name: 'AI clients' })).toBeVisible();
  // On a clean CI machine nothing is detected; either way the page settles without skeletons.
  await expect(page.getByText(/No AI client was found|Not found on this machine/).first()).toBeVisible();
  await screenshotBoth(page, 'clients');
});
