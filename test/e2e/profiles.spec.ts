import { expect, test } from '@playwright/test';
import {
  ContractError,
  addEchoServer,
  contract,
  createClientToken,
  listToolsAsNewClient,
  openUi,
  removeServerIfPresent,
  revokeClientTokenIfPresent,
} from './helpers.ts';

/**
 * Issue 13 acceptance: in the window a person creates a profile, switches one server on in it, binds a client to
 * it, and sees that client's tool count change; a REAL MCP client holding that client's token then sees exactly
 * the profile's tools on /mcp (no config file touched).
 */

const PREFIX = 'profiled';
const TOKEN_NAME = 'e2e-profiles';
const PROFILE = 'e2e-echo-only';

let clientToken = '';
let echoTools: string[] = [];

async function removeProfileIfPresent(name: string): Promise<void> {
  try {
    await contract('profiles.remove', { name });
  } catch (error) {
    if (!(error instanceof ContractError && error.code === 'NOT_FOUND')) throw error;
  }
}

test.describe.serial('profiles in the window', () => {
  test.beforeAll(async () => {
    await removeProfileIfPresent(PROFILE);
    await removeServerIfPresent(PREFIX);
    clientToken = await createClientToken(TOKEN_NAME);
    await addEchoServer(PREFIX, 'Profiled echo');
    await expect
      .poll(() => listToolsAsNewClient(clientToken), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([`${PREFIX}__echo`, `${PREFIX}__add`]));
    echoTools = (await listToolsAsNewClient(clientToken)).filter((n) => n.startsWith(`${PREFIX}__`));
  });

  test.afterAll(async () => {
    await removeProfileIfPresent(PROFILE);
    await revokeClientTokenIfPresent(TOKEN_NAME);
    await removeServerIfPresent(PREFIX);
  });

  test('create a profile, bind a client to it, see its tool count change', async ({ page }) => {
    const everything = (await listToolsAsNewClient(clientToken)).length;
    await openUi(page, '#/profiles');
    await expect(page.getByRole('heading', { name: 'Profiles', level: 1 })).toBeVisible();
    const count = page.getByRole('cell', { name: `Tools of ${TOKEN_NAME}` });
    await expect(count).toHaveText(`${everything} tools listed`);

    // Create it (empty), then switch the echo server on in it.
    await page.getByLabel('New profile name').fill(PROFILE);
    await page.getByRole('button', { name: 'Create profile' }).click();
    await expect(page.getByRole('heading', { name: `Profile ${PROFILE}` })).toBeVisible();
    await page.locator('details.profile-server', { hasText: PREFIX }).locator('summary').click();
    const whole = page.getByRole('switch', { name: `Include all of ${PREFIX}` });
    await expect(whole).toHaveAttribute('aria-checked', 'false');
    await whole.click();
    await expect(whole).toHaveAttribute('aria-checked', 'true');
    await expect(
      page.getByRole('status').filter({ hasText: `${echoTools.length} in the profile` }),
    ).toBeVisible();

    // Bind the client: its count changes, and a real client with its token sees only the profile's tools.
    await page.getByLabel(`Profile of ${TOKEN_NAME}`).selectOption(PROFILE);
    await expect(count).toHaveText(`${echoTools.length} tools listed`);
    expect(await listToolsAsNewClient(clientToken)).toEqual(echoTools);

    // Search mode: the client lists the three meta-tools instead.
    await page.getByLabel('Search: list a search, a describe and a call tool instead').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(count).toHaveText(`3 tools listed (search over ${echoTools.length})`);
    expect(await listToolsAsNewClient(clientToken)).toEqual([
      'switchboard_call_tool',
      'switchboard_describe_tool',
      'switchboard_search_tools',
    ]);

    // Back to the default: everything again.
    await page.getByLabel(`Profile of ${TOKEN_NAME}`).selectOption('default');
    await expect(count).toHaveText(`${everything} tools listed`);
  });
});
