// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { useEffect, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ServerForm } from '../../../renderer/components/server-form.tsx';
import {
  mapIssue,
  emptyServerForm,
  toDefinition,
  validateServerForm,
} from '../../../renderer/lib/server-form-model.ts';
import { parseRoute } from '../../../renderer/hooks/use-route.ts';
import { AddServerPage } from '../../../renderer/pages/add-server-page.tsx';
import { createFakeBridge, demoState, fail } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

describe('server form model', () => {
  it('maps definition issue paths back onto form fields', () => {
    const values = {
      ...emptyServerForm(),
      env: [{ key: 'API_KEY', value: '${TOKEN}' }],
      envVars: [{ name: '1bad', description: '', required: true, secret: true, default: '', value: '' }],
    };
    expect(mapIssue({ path: ['prefix'], message: 'x' }, values)).toEqual({ field: 'prefix', message: 'x' });
    expect(mapIssue({ path: ['args', 1], message: 'bad' }, values)).toEqual({
      field: 'args',
      message: 'line 2: bad',
    });
    expect(
      mapIssue(
        { path: ['env', 'API_KEY'], message: 'references ${TOKEN}, which is not a declared variable' },
        values,
      ).field,
    ).toBe('env.0.value');
    expect(
      mapIssue(
        { path: ['env', 'API_KEY'], message: 'environment variable name "API_KEY" is invalid: …' },
        values,
      ).field,
    ).toBe('env.0.key');
    expect(mapIssue({ path: ['envVars', 0, 'name'], message: 'must be valid' }, values).field).toBe(
      'envVars.0.name',
    );
    expect(mapIssue({ path: ['auth', 'tokenUrl'], message: 'must use https' }, values).field).toBe(
      'authTokenUrl',
    );
    expect(mapIssue({ path: ['somethingElse'], message: 'odd' }, values)).toEqual({
      field: null,
      message: 'somethingElse: odd',
    });
  });

  it('validates with ServerDefinitionSchema', () => {
    const ok = validateServerForm({
      ...emptyServerForm(),
      prefix: 'files',
      command: 'npx',
      args: '-y\n@mcp/files\n',
    });
    expect(ok.issues).toEqual([]);
    expect(ok.definition).toEqual({
      transport: 'stdio',
      prefix: 'files',
      name: 'files',
      enabled: true,
      command: 'npx',
      args: ['-y', '@mcp/files'],
    });
    const bad = validateServerForm({ ...emptyServerForm('http'), prefix: 'Bad__', url: 'ftp://x' });
    expect(new Set(bad.issues.map((i) => i.field))).toEqual(new Set(['prefix', 'url']));
  });

  it('puts remote auth into the definition', () => {
    const def = toDefinition({
      ...emptyServerForm('http'),
      prefix: 'api',
      url: 'https://x.test/mcp',
      authKind: 'client_credentials',
      authClientId: 'id',
      authTokenUrl: 'https://x.test/token',
      authScopes: 'a b',
    });
    expect(def.auth).toEqual({
      kind: 'oauth',
      flow: 'client_credentials',
      clientId: 'id',
      tokenUrl: 'https://x.test/token',
      scopes: ['a', 'b'],
    });
  });
});

describe('ServerForm', () => {
  it('shows field-level errors from the schema and does not call main', async () => {
    const { user, bridge } = renderWithBridge(<ServerForm onSaved={() => {}} />);
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'My Server');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    const prefix = screen.getByRole('textbox', { name: /^Prefix/ });
    expect(prefix).toHaveAttribute('aria-invalid', 'true');
    expect(prefix).toHaveAccessibleDescription(/must start with a lowercase letter or digit/);
    expect(screen.getByRole('textbox', { name: /^Command/ })).toHaveAccessibleDescription(
      /is required for a stdio server/,
    );
    expect(bridge.callsOf('servers.add')).toEqual([]);
  });

  it('switches between a local command and a remote URL', async () => {
    const { user } = renderWithBridge(<ServerForm onSaved={() => {}} />);
    expect(screen.getByRole('textbox', { name: /^Command/ })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: /^URL/ })).toBeNull();
    await user.click(screen.getByRole('radio', { name: 'Remote' }));
    expect(screen.queryByRole('textbox', { name: /^Command/ })).toBeNull();
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'remote');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    expect(screen.getByRole('textbox', { name: /^URL/ })).toHaveAccessibleDescription(
      /is required for a remote server/,
    );
    await user.selectOptions(screen.getByRole('combobox', { name: 'Authentication' }), 'client_credentials');
    expect(screen.getByRole('textbox', { name: /^Token URL/ })).toBeInTheDocument();
  });

  it('sends a valid definition and reports the saved server', async () => {
    const onSaved = vi.fn();
    const { user, bridge } = renderWithBridge(<ServerForm onSaved={onSaved} />);
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'files');
    await user.type(screen.getByRole('textbox', { name: /^Command/ }), 'npx');
    await user.type(
      screen.getByRole('textbox', { name: /^Arguments/ }),
      '-y{Enter}@modelcontextprotocol/server-filesystem',
    );
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(bridge.callsOf('servers.add')).toEqual([
      {
        definition: {
          transport: 'stdio',
          prefix: 'files',
          name: 'files',
          enabled: true,
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem'],
        },
      },
    ]);
  });

  it('maps a VALIDATION error from main onto the fields', async () => {
    const bridge = createFakeBridge();
    bridge.handle('servers.add', () =>
      fail('VALIDATION', 'The server definition is not valid.', {
        issues: [
          { path: ['prefix'], message: '"files" is already used by another server' },
          { path: ['env', 'TOKEN'], message: 'is refused by policy' },
          { path: ['policy'], message: 'remote servers are disabled' },
        ],
      }),
    );
    const { user } = renderWithBridge(<ServerForm onSaved={() => {}} />, bridge);
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'files');
    await user.type(screen.getByRole('textbox', { name: /^Command/ }), 'npx');
    await user.click(screen.getByRole('button', { name: 'Add environment variable' }));
    await user.type(screen.getByRole('textbox', { name: 'Name 1' }), 'TOKEN');
    await user.type(screen.getByRole('textbox', { name: 'Value 1' }), 'plain');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: /^Prefix/ })).toHaveAccessibleDescription(
        /already used by another server/,
      ),
    );
    expect(screen.getByRole('textbox', { name: 'Value 1' })).toHaveAccessibleDescription(
      'is refused by policy',
    );
    // Issues without a field are listed at the top.
    expect(
      within(screen.getByRole('alert')).getByText('policy: remote servers are disabled'),
    ).toBeInTheDocument();
  });
});

describe('AddServerPage', () => {
  it('fills the form from a pasted Claude Desktop snippet', async () => {
    const { user, bridge } = renderWithBridge(<AddServerPage tab="paste" />);
    const snippet = JSON.stringify({
      mcpServers: {
        github: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-github'],
          env: { GITHUB_TOKEN: 'ghp_secret' },
        },
      },
    });
    await user.click(screen.getByRole('textbox', { name: 'Configuration snippet' }));
    await user.paste(snippet);
    await user.click(screen.getByRole('button', { name: 'Read snippet' }));
    expect(bridge.callsOf('servers.parseSnippet')).toEqual([{ text: snippet }]);
    // The page asks the router for the form tab; show it as the router would.
    await waitFor(() => expect(location.hash).toBe('#/add'));
  });

  it('shows the filled form with a notice naming the secrets', async () => {
    const { user } = renderWithBridge(<PasteThenForm />);
    const snippet = JSON.stringify({
      mcpServers: {
        github: { command: 'npx', args: ['-y', '@mcp/github'], env: { GITHUB_TOKEN: 'ghp_secret' } },
      },
    });
    await user.click(screen.getByRole('textbox', { name: 'Configuration snippet' }));
    await user.paste(snippet);
    await user.click(screen.getByRole('button', { name: 'Read snippet' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: /^Command/ })).toHaveValue('npx'));
    expect(screen.getByRole('textbox', { name: /^Prefix/ })).toHaveValue('github');
    expect(screen.getByRole('textbox', { name: /^Arguments/ })).toHaveValue('-y\n@mcp/github');
    expect(screen.getByText(/GITHUB_TOKEN looks secret/)).toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain('ghp_secret');
  });

  it('fills the form from a catalog entry for the person to complete', async () => {
    const bridge = createFakeBridge({ state: demoState() });
    const { user } = renderWithBridge(<CatalogThenForm />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Use Brave Search' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: /^Command/ })).toHaveValue('npx'));
    expect(bridge.callsOf('catalog.template')).toEqual([{ id: 'brave-search', prefix: 'brave-search' }]);
    expect(screen.getByText(/Filled from the catalog entry “Brave Search”/)).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /^Prefix/ })).toHaveValue('brave-search');
  });
});

/** The add page as the app shows it: re-rendered with the tab from the hash. */
function RoutedAddPage({ start }: { start: string }) {
  return <AddServerPage tab={useHashTab(start)} />;
}

function PasteThenForm() {
  return <RoutedAddPage start="paste" />;
}

function CatalogThenForm() {
  return <RoutedAddPage start="catalog" />;
}

function useHashTab(start: string): string | undefined {
  const [tab, setTab] = useState<string | undefined>(start);
  useEffect(() => {
    history.replaceState(null, '', `#/add/${start}`);
    const update = () => {
      const route = parseRoute(location.hash);
      if (route.page === 'add') setTab(route.tab);
    };
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, [start]);
  return tab;
}
