// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ServersPage } from '../../../renderer/pages/servers-page.tsx';
import { createFakeBridge, emptyState, health, makeServer } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

function withServers() {
  const state = emptyState();
  state.servers = [
    makeServer('files', { name: 'Filesystem', target: 'npx -y @mcp/filesystem' }),
    makeServer('github', {
      name: 'GitHub',
      transport: 'http',
      target: 'https://api.github.test/mcp',
      health: health('needs_auth'),
    }),
    makeServer('memory', {
      name: 'Memory',
      target: 'npx -y @mcp/memory',
      enabled: false,
      health: health('disabled'),
    }),
  ];
  return createFakeBridge({ state });
}

describe('ServersPage', () => {
  it('offers the catalog and an import from AI clients when there are no servers', async () => {
    renderWithBridge(<ServersPage />);
    const empty = await screen.findByRole('region', { name: 'No servers yet' });
    expect(within(empty).getByRole('link', { name: 'Add from the catalog' })).toHaveAttribute(
      'href',
      '#/add/catalog',
    );
    expect(within(empty).getByRole('link', { name: 'Import from your AI clients' })).toHaveAttribute(
      'href',
      '#/clients',
    );
  });

  it('shows a fixed-size skeleton while loading', () => {
    renderWithBridge(<ServersPage />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading servers…');
  });

  it('lists servers with their health and switches one off through servers.setEnabled', async () => {
    const { user, bridge } = renderWithBridge(<ServersPage />, withServers());
    const list = await screen.findByRole('list', { name: 'Servers' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    expect(screen.getByRole('img', { name: /^Health: Needs sign-in/ })).toBeInTheDocument();
    const toggle = screen.getByRole('switch', { name: 'Switch off Filesystem' });
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    await user.click(toggle);
    await waitFor(() =>
      expect(bridge.callsOf('servers.setEnabled')).toEqual([{ prefix: 'files', enabled: false }]),
    );
    await waitFor(() =>
      expect(screen.getByRole('switch', { name: 'Switch on Filesystem' })).toHaveAttribute(
        'aria-checked',
        'false',
      ),
    );
  });

  it('filters by name, prefix or command', async () => {
    const { user } = renderWithBridge(<ServersPage />, withServers());
    await screen.findByRole('list', { name: 'Servers' });
    await user.type(screen.getByRole('searchbox', { name: 'Search servers' }), 'git');
    expect(within(screen.getByRole('list', { name: 'Servers' })).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByRole('link', { name: 'GitHub' })).toHaveAttribute('href', '#/servers/github');
    await user.clear(screen.getByRole('searchbox', { name: 'Search servers' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search servers' }), '@mcp/memory');
    expect(screen.getByRole('link', { name: 'Memory' })).toBeInTheDocument();
    await user.type(screen.getByRole('searchbox', { name: 'Search servers' }), 'zzz');
    expect(screen.getByText(/No server matches/)).toBeInTheDocument();
  });

  it('updates one badge from a health.changed event without refetching the list', async () => {
    const bridge = withServers();
    renderWithBridge(<ServersPage />, bridge);
    await screen.findByRole('img', { name: /^Health: Needs sign-in/ });
    const listCalls = bridge.callsOf('servers.list').length;
    bridge.emit('health.changed', { prefix: 'github', health: health('healthy') });
    await waitFor(() => expect(screen.queryByRole('img', { name: /^Health: Needs sign-in/ })).toBeNull());
    expect(screen.getAllByRole('img', { name: /^Health: Healthy/ })).toHaveLength(2);
    expect(bridge.callsOf('servers.list').length).toBe(listCalls);
  });

  it('refetches the list when servers.changed arrives', async () => {
    const bridge = withServers();
    renderWithBridge(<ServersPage />, bridge);
    await screen.findByRole('list', { name: 'Servers' });
    bridge.state.servers.push(makeServer('extra', { name: 'Extra' }));
    bridge.emit('servers.changed', {});
    expect(await screen.findByRole('link', { name: 'Extra' })).toBeInTheDocument();
  });
});
