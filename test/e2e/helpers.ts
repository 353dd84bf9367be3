import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

/** The web-mode token the hub was started with (see playwright.config.ts). */
export const token = process.env.SWITCHBOARD_E2E_TOKEN ?? '';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The echo fixture: a real stdio MCP server with `echo` (text) and `add` (a, b). */
export const echoServer = {
  command: process.execPath,
  args: [fileURLToPath(new URL('../fixtures/servers/echo-server.ts', import.meta.url))],
};

/** Opens the UI the way a person does: the URL the CLI prints, with the token in the fragment. */
export async function openUi(page: Page, route = '#/servers'): Promise<void> {
  await page.goto(`/ui/#token=${encodeURIComponent(token)}`);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  if (route !== '#/servers') await page.evaluate((hash) => (location.hash = hash), route);
}

/** Saves the page in light and dark into docs/screenshots/<name>-<scheme>.png. */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // No skeletons in the pictures.
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await page.screenshot({ path: `${repoRoot}docs/screenshots/${name}-${colorScheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
