/**
 * Renders every main page of the renderer over the fake bridge in headless Chromium, light and dark, and
 * writes PNGs to out/harness-shots/ (`node test/e2e/harness/shoot.ts`). For looking at the design; the real
 * end-to-end screenshots come from the Playwright specs against `switchboard serve --ui`.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Page } from '@playwright/test';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const outDir = `${repo}/out/harness-shots`;
await mkdir(outDir, { recursive: true });

const server = await createServer({
  root,
  configFile: false,
  plugins: [react()],
  server: { port: 0, host: '127.0.0.1', fs: { allow: [repo] } },
  logLevel: 'warn',
});
await server.listen();
const address = server.httpServer?.address();
const port = typeof address === 'object' && address ? address.port : 0;
const base = `http://127.0.0.1:${port}/`;

const only = process.argv.slice(2);
const shots: { name: string; url: string; action?: (page: Page) => Promise<void> }[] = [
  { name: 'servers', url: '#/servers' },
  { name: 'servers-empty', url: '#/servers', action: undefined },
  { name: 'servers-loading', url: '#/servers' },
  { name: 'server-overview', url: '#/servers/postgres' },
  { name: 'server-variables', url: '#/servers/brave/variables' },
  { name: 'server-auth', url: '#/servers/linear/auth' },
  { name: 'server-tools', url: '#/servers/everything/tools' },
  {
    name: 'try-tool',
    url: '#/servers/everything/tools',
    action: async (page) => {
      await page.getByRole('button', { name: 'Try longRunningOperation' }).click();
      await page.getByRole('dialog').waitFor();
    },
  },
  { name: 'server-logs', url: '#/servers/postgres/logs' },
  { name: 'server-health', url: '#/servers/everything/health' },
  { name: 'add-form', url: '#/add' },
  {
    name: 'add-form-errors',
    url: '#/add',
    action: async (page) => {
      await page.getByLabel('Prefix').fill('My Server');
      await page.getByRole('button', { name: 'Add server' }).click();
    },
  },
  { name: 'add-catalog', url: '#/add/catalog' },
  { name: 'add-paste', url: '#/add/paste' },
  { name: 'activity', url: '#/activity' },
  { name: 'clients', url: '#/clients' },
  {
    name: 'clients-import',
    url: '#/clients',
    action: async (page) => {
      await page.getByRole('button', { name: 'Import servers from VS Code' }).click();
      await page.getByRole('button', { name: /Import 2 servers/ }).waitFor();
    },
  },
  { name: 'settings', url: '#/settings' },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 820 },
      colorScheme: scheme,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[${scheme}] page error:`, error.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[${scheme}] console:`, msg.text());
    });
    for (const shot of shots) {
      if (only.length && !only.includes(shot.name)) continue;
      const query =
        shot.name === 'servers-empty'
          ? '?state=empty'
          : shot.name === 'servers-loading'
            ? '?delay=100000'
            : '';
      await page.goto(`${base}${query}${shot.url}`);
      await page.waitForTimeout(shot.name === 'servers-loading' ? 400 : 600);
      if (shot.action) {
        await shot.action(page);
        await page.waitForTimeout(300);
      }
      await page.screenshot({
        path: `${outDir}/${shot.name}-${scheme}.png`,
        fullPage: shot.name !== 'try-tool' && shot.name !== 'clients-import',
      });
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`screenshots in ${outDir}`);
