import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive the headless web mode (`switchboard serve --ui`) in Chromium: the same renderer,
 * contract and handlers as the desktop app.
 *
 * test/e2e/global-setup.ts builds the renderer, starts ONE hub on a free port with a throw-away data folder:
 *   node main/cli.ts --data-dir <tmp> --vault-passphrase-file <tmp>/passphrase serve --ui --port 0
 * and reads the address it prints on stderr (`…/ui/#token=<t>`), so neither the port nor the token has to be
 * known in advance. It hands both to the workers through the environment, which is why `baseURL` is read
 * from it here (workers load this file after the global setup ran). To test a hub you started yourself, set
 * SWITCHBOARD_E2E_BASE_URL=http://127.0.0.1:<port> and SWITCHBOARD_E2E_TOKEN=<token>.
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  // One hub, one browser: the specs share the hub's state and run in order.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The JSON report is what `npm test` (build/scripts/test.ts) totals; test-results/ is git-ignored.
  reporter: [
    ['list'],
    ...(process.env.CI ? [['html', { open: 'never' }] as const] : []),
    ['json', { outputFile: 'test-results/playwright.json' }],
  ],
  outputDir: 'test-results/e2e',
  use: {
    ...(process.env.SWITCHBOARD_E2E_BASE_URL ? { baseURL: process.env.SWITCHBOARD_E2E_BASE_URL } : {}),
    headless: true,
    viewport: { width: 1200, height: 820 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
