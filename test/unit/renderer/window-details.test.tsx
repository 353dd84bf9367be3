// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { useEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ToastProvider } from '../../../renderer/components/toaster.tsx';
import { parseRoute } from '../../../renderer/hooks/use-route.ts';
import { categoryLabel } from '../../../renderer/lib/format.ts';
import { ActivityPage } from '../../../renderer/pages/activity-page.tsx';
import { AddServerPage } from '../../../renderer/pages/add-server-page.tsx';
import { SettingsPage } from '../../../renderer/pages/settings-page.tsx';
import { createFakeBridge, demoState } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

/** Issue 11, window items 6, 7 and 10: the smaller things a new user trips over. */

describe('Activity', () => {
  function Routed() {
    const [server, setServer] = useState<string | undefined>('everything');
    useEffect(() => {
      history.replaceState(null, '', '#/activity?server=everything');
      const update = () => {
        const route = parseRoute(location.hash);
        if (route.page === 'activity') setServer(route.server);
      };
      window.addEventListener('hashchange', update);
      return () => window.removeEventListener('hashchange', update);
    }, []);
    return <ActivityPage server={server} />;
  }

  it('opens a row to show what the call log knows, and clears its filters', async () => {
    const { user } = renderWithBridge(<Routed />, createFakeBridge({ state: demoState() }));
    const [first] = await screen.findAllByRole(
      'button',
      { name: /^Details of the .* call at / },
      { timeout: 15_000 },
    );
    expect(first).toHaveAttribute('aria-expanded', 'false');
    await user.click(first as HTMLElement);
    expect(first).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByText(/never what it carried/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Server' })).toHaveValue(''));
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
  });
});

describe('Settings', () => {
  it('says what a number field needs in words, not zod text', async () => {
    const { user } = renderWithBridge(<SettingsPage theme="system" onTheme={() => {}} />);
    const field = await screen.findByRole('spinbutton', { name: 'Check health every' });
    await user.clear(field);
    await user.type(field, '5');
    await user.click(screen.getByRole('button', { name: 'Save preferences' }));
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(/Must be at least 10 s/);
    expect(field).not.toHaveAccessibleDescription(/Too small|expected number/);
    await user.clear(field);
    await user.click(screen.getByRole('button', { name: 'Save preferences' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription(/Enter a number from 10 s to 86,400 s/));
  });

  it('confirms a revoke with a toast (the row just disappears otherwise)', async () => {
    const { user } = renderWithBridge(
      <ToastProvider>
        <SettingsPage theme="system" onTheme={() => {}} />
      </ToastProvider>,
      createFakeBridge({ state: demoState() }),
    );
    await user.click(await screen.findByRole('button', { name: 'Revoke cursor' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke token' }));
    const toasts = screen.getByRole('status', { name: 'Notifications' });
    expect(await within(toasts).findByText(/Revoked “cursor”/)).toBeInTheDocument();
    // Focus goes back into the page (the opener's row is gone), not to <body>.
    await waitFor(() => expect(document.activeElement).not.toBe(document.body));
  });
});

describe('Add: pasted secrets and renamed prefixes', () => {
  function PasteThenForm() {
    const [tab, setTab] = useState<string | undefined>('paste');
    useEffect(() => {
      history.replaceState(null, '', '#/add/paste');
      const update = () => {
        const route = parseRoute(location.hash);
        if (route.page === 'add') setTab(route.tab);
      };
      window.addEventListener('hashchange', update);
      return () => window.removeEventListener('hashchange', update);
    }, []);
    return <AddServerPage tab={tab} />;
  }

  it('keeps the secret a snippet carried (by handle) and says a clashing name was renamed', async () => {
    const bridge = createFakeBridge();
    const { user } = renderWithBridge(<PasteThenForm />, bridge);
    bridge.handle('servers.parseSnippet', () => ({
      definitions: [
        {
          transport: 'stdio',
          prefix: 'github-2',
          name: 'github',
          command: 'npx',
          args: ['-y', '@mcp/github'],
          envVars: [{ name: 'GITHUB_TOKEN', required: true, secret: true }],
          env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' },
        },
      ],
      secretNames: ['GITHUB_TOKEN'],
      skipped: [],
      renamed: [{ from: 'github', to: 'github-2' }],
      held: [
        { handle: 'held-handle-0123456789abcdef', names: ['GITHUB_TOKEN'], expiresAt: Date.now() + 600_000 },
      ],
    }));
    await user.click(screen.getByRole('textbox', { name: 'Configuration snippet' }));
    await user.paste('{"mcpServers":{"github":{"command":"npx","env":{"GITHUB_TOKEN":"ghp_x"}}}}');
    await user.click(screen.getByRole('button', { name: 'Read snippet' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: /^Prefix/ })).toHaveValue('github-2'));
    expect(screen.getByText(/A server named “github” already exists here/)).toBeInTheDocument();
    expect(
      screen.getByText(/GITHUB_TOKEN looks secret: its value was read but not shown here/),
    ).toBeInTheDocument();
    const value = screen.getByLabelText(/^Value of GITHUB_TOKEN/);
    expect(value).toHaveValue('');
    expect(value).toHaveAccessibleDescription(/Read from the pasted snippet/);
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(bridge.callsOf('servers.add')).toHaveLength(1));
    expect(bridge.callsOf('servers.add')[0]?.heldSecrets).toBe('held-handle-0123456789abcdef');
    expect(bridge.callsOf('servers.add')[0]?.values).toBeUndefined();
  });
});

describe('catalog categories', () => {
  it('reads as words, not slugs', () => {
    expect(categoryLabel('dev-tools')).toBe('Dev tools');
    expect(categoryLabel('ai')).toBe('AI');
    expect(categoryLabel('Databases & data')).toBe('Databases & data');
  });

  it('the catalog shows labels in the filter and on the cards', async () => {
    const state = demoState();
    state.catalog = state.catalog.map((e, i) => (i === 0 ? { ...e, category: 'dev-tools' } : e));
    renderWithBridge(<AddServerPage tab="catalog" />, createFakeBridge({ state }));
    const filter = await screen.findByRole('combobox', { name: 'Category' });
    await waitFor(() =>
      expect(within(filter).getByRole('option', { name: 'Dev tools' })).toBeInTheDocument(),
    );
    expect(screen.queryByText(/dev-tools/)).toBeNull();
  });
});
