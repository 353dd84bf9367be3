import { expect, test } from '@playwright/test';
import { echoServer, openUi, screenshotBoth } from './helpers.ts';

test.describe.serial('a server from add to remove', () => {
  test('the add form shows field errors from the definition schema', async ({ page }) => {
    await openUi(page, '#/add');
    await page.getByRole('textbox', { name: /^Prefix/ }).fill('Not Valid');
    await page.getByRole('button', { name: 'Add server' }).click();
    await expect(page.getByRole('textbox', { name: /^Prefix/ })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('is required for a stdio server')).toBeVisible();
    await screenshotBoth(page, 'add-server-errors');
  });

  test('adds the echo fixture, with a declared secret variable', async ({ page }) => {
    await openUi(page, '#/add');
    await page.getByRole('textbox', { name: /^Prefix/ }).fill('echo');
    await page.getByRole('textbox', { name: /^Display name/ }).fill('Echo fixture');
    await page.getByRole('textbox', { name: /^Command/ }).fill(echoServer.command);
    await page.getByRole('textbox', { name: /^Arguments/ }).fill(echoServer.args.join('\n'));
    await page.getByRole('button', { name: 'Declare a variable' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).last().fill('ECHO_TOKEN');
    await page.getByRole('checkbox', { name: 'Required' }).uncheck();
    await page.getByRole('button', { name: 'Add server' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Echo fixture' })).toBeVisible();
    await expect(page).toHaveURL(/#\/servers\/echo/);
  });

  test('lists it with a live health badge and switches it off and on', async ({ page }) => {
    await openUi(page);
    const row = page.getByRole('listitem').filter({ hasText: 'Echo fixture' });
    await expect(row.getByRole('img', { name: /^Health: / })).toBeVisible();
    await row.getByRole('switch', { name: 'Switch off Echo fixture' }).click();
    await expect(row.getByRole('switch', { name: 'Switch on Echo fixture' })).toHaveAttribute(
      'aria-checked',
      'false',
    );
    await expect(row.getByRole('img', { name: /^Health: Off/ })).toBeVisible();
    await row.getByRole('switch', { name: 'Switch on Echo fixture' }).click();
    await expect(row.getByRole('switch', { name: 'Switch off Echo fixture' })).toHaveAttribute(
      'aria-checked',
      'true',
    );
    await page.getByRole('searchbox', { name: 'Search servers' }).fill('nothing-like-this');
    await expect(page.getByText(/No server matches/)).toBeVisible();
  });

  test('stores a variable write-only', async ({ page }) => {
    await openUi(page, '#/servers/echo/variables');
    const input = page.getByLabel(/^ECHO_TOKEN/);
    await expect(input).toHaveValue('');
    await input.fill('e2e-secret-value');
    await page.getByRole('button', { name: 'Save values' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved ECHO_TOKEN.' })).toBeVisible();
    await expect(input).toHaveValue('');
    await expect(page.getByText('Set', { exact: true })).toBeVisible();
    expect(await page.content()).not.toContain('e2e-secret-value');
    await screenshotBoth(page, 'server-variables');
  });

  test('checks health, shows tools, and runs one from a generated form', async ({ page }) => {
    await openUi(page, '#/servers/echo');
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect(page.getByRole('img', { name: /^Health: Healthy/ })).toBeVisible({ timeout: 30_000 });
    await screenshotBoth(page, 'server-overview');
    await page.getByRole('tab', { name: /^Tools/ }).click();
    await expect(page.getByRole('switch', { name: 'Expose add to clients' })).toBeVisible({
      timeout: 30_000,
    });
    await screenshotBoth(page, 'server-tools');
    await page.getByRole('button', { name: 'Try add' }).click();
    const dialog = page.getByRole('dialog', { name: 'Try add' });
    await dialog.getByRole('button', { name: 'Run' }).click();
    await expect(dialog.getByText('is required').first()).toBeVisible();
    await dialog.getByRole('spinbutton', { name: /^a/ }).fill('2');
    await dialog.getByRole('spinbutton', { name: /^b/ }).fill('40');
    await dialog.getByRole('button', { name: 'Run' }).click();
    await expect(dialog.getByRole('region', { name: 'Result' })).toContainText('42');
    await screenshotBoth(page, 'try-tool');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('switches one tool off', async ({ page }) => {
    await openUi(page, '#/servers/echo/tools');
    const toggle = page.getByRole('switch', { name: 'Expose echo to clients' });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-checked', 'false');
    await page.reload();
    await expect(page.getByRole('switch', { name: 'Expose echo to clients' })).toHaveAttribute(
      'aria-checked',
      'false',
    );
    await page.getByRole('switch', { name: 'Expose echo to clients' }).click();
  });

  test('shows the stderr log and the health history', async ({ page }) => {
    await openUi(page, '#/servers/echo/logs');
    await expect(page.getByRole('log', { name: /Standard error output of echo/ })).toBeVisible();
    await screenshotBoth(page, 'server-logs');
    await page.getByRole('tab', { name: 'Health' }).click();
    await expect(page.getByRole('img', { name: /^Health check latency/ })).toBeVisible();
    await screenshotBoth(page, 'server-health');
  });

  test('the call shows up in Activity, filterable by server and outcome', async ({ page }) => {
    await openUi(page, '#/activity');
    await expect(page.getByRole('cell', { name: 'add', exact: true }).first()).toBeVisible();
    await page.getByRole('combobox', { name: 'Server' }).selectOption('echo');
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('ok');
    await expect(page.getByRole('img', { name: /^Call latency/ })).toBeVisible();
    await screenshotBoth(page, 'activity');
  });

  test('a full list of servers', async ({ page }) => {
    await openUi(page);
    await expect(page.getByRole('list', { name: 'Servers' })).toBeVisible();
    await screenshotBoth(page, 'servers');
  });

  test('removes the server after asking', async ({ page }) => {
    await openUi(page, '#/servers/echo');
    await page.getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('dialog', { name: /Remove Echo fixture/ })
      .getByRole('button', { name: 'Remove server' })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: 'Servers' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Echo fixture' })).toHaveCount(0);
  });
});

test('pasting a Claude Desktop snippet fills the form', async ({ page }) => {
  await openUi(page, '#/add/paste');
  const snippet = JSON.stringify(
    { mcpServers: { 'pasted-echo': { command: echoServer.command, args: echoServer.args } } },
    null,
    2,
  );
  await page.getByRole('textbox', { name: 'Configuration snippet' }).fill(snippet);
  await screenshotBoth(page, 'add-server-paste');
  await page.getByRole('button', { name: 'Read snippet' }).click();
  await expect(page.getByRole('textbox', { name: /^Command/ })).toHaveValue(echoServer.command);
  await expect(page.getByRole('textbox', { name: /^Prefix/ })).toHaveValue(/pasted-echo/);
});

test('the catalog fills the form for the person to complete', async ({ page }) => {
  await openUi(page, '#/add/catalog');
  const first = page.getByRole('list', { name: 'Catalog entries' }).getByRole('listitem').first();
  await expect(first).toBeVisible();
  await screenshotBoth(page, 'add-server-catalog');
  await first.getByRole('button', { name: /^Use / }).click();
  await expect(page.getByText(/Filled from the catalog entry/)).toBeVisible();
  await expect(page.getByRole('textbox', { name: /^Prefix/ })).not.toHaveValue('');
  await screenshotBoth(page, 'add-server-form');
});
